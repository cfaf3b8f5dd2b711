"""Which question the trainee's line asks the customer, so that the customer can answer it.

A collections agent asks a small set of questions, each with its own honest answer: who picked
up, how they are related to the cardholder and when the cardholder is back; whether this is the
cardholder (by name) and the last digits of their ID; why the payment is late, how much a month,
when, through which channel; whether the amount is right; and "what did you say?". The reading
works clause by clause on the simplified text, over the acts ``understand`` found, so a
paraphrase (``他一般几点到家``, ``您跟李强是什么关系``, ``徐桂芳是吧``) is read like the textbook form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from simulator.customer.question_model import QuestionModel, default_question_model
from simulator.understand import Understanding
from simulator.understand.simplify import to_simplified

__all__ = [
    "QUESTIONS",
    "Question",
    "ask",
    "clauses",
    "follow_up",
    "is_question",
    "on_topic_question",
    "rule_questions",
]

QUESTIONS = {
    "who_are_you": "asks who picked up (您是哪位 / 怎么称呼您)",
    "relation": "asks how the person who picked up is related to the cardholder",
    "is_in": "asks whether the cardholder is there (请问李强在家吗)",
    "when_back": "asks when the cardholder is back or how to reach them",
    "name": "asks whether this is the cardholder, by name (请问是王丽娟女士吗 / 本人吗)",
    "id_digits": "asks for ID-card digits or other identity details (身份证后四位)",
    "why_late": "asks why the payment is late",
    "capacity": "asks how much the customer can pay (a month)",
    "when_pay": "asks when the customer can pay",
    "channel": "asks how / through which channel the customer will pay",
    "amount_right": "asks whether the stated amount is right",
    "repeat": "asks the customer to say it again (您说什么 / 没听清)",
    "leave_message": "asks a third party to pass a message on (麻烦您转告他回个电话)",
}

# Southern (Cantonese-influenced) words read as their Mandarin, before the clause rules: 佢几时返屋企
# asks what 他什么时候回家 asks. Longer words first; 系 only where it is the verb (not 关系).
_MANDARIN = (
    ("系唔系", "是不是"),
    ("系咪", "是不是"),
    ("啱唔啱", "对不对"),
    ("得唔得", "行不行"),
    ("识唔识", "会不会"),
    ("认唔认", "认不认"),
    ("喺唔喺", "在不在"),
    ("佢哋", "他们"),
    ("佢", "他"),
    ("乜嘢", "什么"),
    ("咩", "什么"),
    ("乜", "什么"),
    ("几多", "多少"),
    ("几时", "什么时候"),
    ("屋企", "家"),
    ("喺度", "在"),
    ("喺", "在"),
    ("唔该", "麻烦"),
    ("唔好意思", "不好意思"),
    ("唔", "不"),
    ("冇", "没"),
    ("点解", "为什么"),
    ("点样", "怎么"),
    ("边个", "哪个"),
    ("边日", "哪天"),
    ("边度", "哪里"),
    ("月尾", "月底"),
    ("入数", "到账"),
    ("搞掂", "搞定"),
    ("啲", "点"),
    ("供唔供得起", "还不还得起"),
    ("供得起", "还得起"),
    ("蚊", "块"),
    ("边位", "哪位"),
    ("头先", "刚才"),
    ("定系", "还是"),
    ("俾", "给"),
    ("嘅", "的"),
    ("咗", "了"),
    ("出粮", "发工资"),
    ("收工", "下班"),
    ("听日", "明天"),
    ("而家", "现在"),
    ("得闲", "有空"),
    ("返来", "回来"),
    ("返家", "回家"),
    ("啱", "对"),
    ("讲", "说"),
)
_MANDARIN_WORD = re.compile("|".join(w for w, _ in _MANDARIN))
_MANDARIN_MAP = dict(_MANDARIN)
_COPULA = re.compile(r"(?<![关联体派维])系(?![统列数])")
# South-western Mandarin (四川/重庆/贵州): 啥子时候 / 好多钱 / 好久回来 / 报一哈 / 要得不 / 是他迈.
_SOUTHWEST = (
    (re.compile(r"啥子"), "什么"),
    (re.compile(r"一哈(?:儿)?"), "一下"),
    (re.compile(r"要得不|要不要得"), "行不行"),
    (re.compile(r"好多(?=钱|块)"), "多少"),
    (re.compile(r"好久(?=(?:能|才|可以|会)?(?:回|到家|下班|有空))"), "什么时候"),
    (re.compile(r"(?<=[\u4e00-\u9fff])迈(?=[？?。，,！!\s]|$)"), "吗"),
)


def _mandarin(text: str) -> str:
    """Southern and south-western words in their Mandarin form (the rules are in Mandarin)."""
    text = _MANDARIN_WORD.sub(lambda m: _MANDARIN_MAP[m.group()], text)
    for pattern, mandarin in _SOUTHWEST:
        text = pattern.sub(mandarin, text)
    return _COPULA.sub("是", text)


_CLAUSE = re.compile(r"[，,。.！!？?；;、\s…~～]+")
_QMARK = re.compile(r"[？?]")
_MA = re.compile(r"(?<!干)吗(?!啡)")  # 吗 asks even mid-clause, where a recogniser dropped the ？
_PARTICLE = re.compile(r"(吗|嘛|么|呢|吧|是不是|对不对|对吧|是吧|不是|没有|没)$")
# Imperatives that ask without a question mark: 报一下身份证后四位。再说一遍。
_IMPERATIVE = re.compile(
    r"(身份证|证件)|(再|重新)(说|讲|重复|念|报|来)(一遍|一次|一下|下|说|讲)(看)?$|转告|转达|传个?话|带个?话|捎个?话"
    r"|^(你|您)?(再来|重复|重新(说|讲)|再)(一下|下|一遍|一次)?$|^没(听)?(懂|明白)$|^(说|讲)清楚(点|些)?$"
    r"|信号(不好|不太好|差)|(给|说|定|报)(个|一个)[^，。？?]{0,4}(准话|准信|日子|时间|日期|数|准数|数字|渠道|方式)"
    r"|(您|你)(再|重新)(说|讲|念|报)$"
    r"|(再|重新)(说|讲|重复)(一遍|一次|一下)|大声(一)?点|慢(一)?点(说|讲)|^(说|讲|念)一遍$"
    r"|听不(太|大)?(清|见|到|懂|明白)|没(有)?(记住|听着)|声音(太|有点)?小"
    r"|没(有)?听(清|见|到|懂|明白)|听不(清|见|到|懂)|大点声|说(慢|清楚)(一)?点|重说"
    r"|(让|叫)(他|她).{0,6}(回|打|联系)|(跟|和|同)(他|她)(说|讲)(一声|一下)"
)
_TAG = re.compile(r"(对吗|对吧|是吧|是吗|好吗|行吗|可以吗|没问题吧|没错吧|对不对|是不是)")
_WH = re.compile(r"什么|啥|谁|哪|几|多少|怎么|为何|为什么|咋")

_PATTERNS: dict[str, tuple[str, ...]] = {
    "leave_message": (
        r"转告|转达|带个?话|捎个?话|传个?话|留个?(话|言|口信)",
        r"(让|叫|请)(他|她).{0,6}(回|打|覆)(个|一个)?(电话|给我|过来)",
        r"回(个)?电(话)?",
        r"(跟|和|同)(他|她)(说|讲)(一声|一下)",
    ),
    "repeat": (
        r"(刚才|刚刚)?(您|你)?(说|讲)(的)?(是)?(什么|啥)(\?|$)",
        r"(您|你)?(刚|刚才|刚刚)(说|讲)(的)?(是)?(几|多少|哪|什么|啥)",
        r"(没|没有)(听清|听清楚|听见|听到|听明白|录清|记上|记下)",
        r"听不(清|见|到|明白)|大点声|信号(不好|不太好|差)",
        r"(重复|复述)(一下|一遍|一次)?",
        r"(再|重新)(报|说|讲)(一下|下|说)",
        r"(说|讲)(的)?(是)?(几点|几号|多少|哪天)(来着)?$",
        r"(再|重新)(说|讲|重复)(一遍|一次|一下)",
        r"(您|你)(刚才|刚刚)(说|讲)(的)?(是)?(多少|几|哪)",
        r"(您|你)说(啥|什么)",
        r"^(您说|你说)?(什么|啥)+(呀|啊)?$",
        r"说(慢|清楚)(一)?点|重说|(再|重新)(来)(一遍|一次)",
        r"(再)?(说|讲)多(一)?(次|遍)",  # 再讲多一次 (Guangdong Mandarin)
        r"^(什么|啥)话$|^(你|您)?(话|说)(什么|啥|多少|几)[^，。？?]{0,3}话$|(说|讲)慢(一)?点",
        r"^(你|您)?(再来|重复|重新(说|讲)|再)(一下|下|一遍|一次)?$|^(你|您)?(说|讲)(啥|什么)(呢|啊|呀)?$",
        r"^没(听)?(懂|明白)$|^(说|讲)清楚(点|些)?$|^啥玩意(儿)?$",
        r"(什么|啥|多少|几|哪)[^，。？?]{0,4}来着",
        r"听不(太|大)(清|见|到|明白)|(没|没有)(记住|听着|听见)|声音(太|有点)?小",
        r"大声(一)?点|慢(一)?点(说|讲)|(再|重新)(说|讲|念|报)(说|讲|一遍|一次|一下|下)(看)?$"
        r"|(您|你)(再|重新)(说|讲|念|报)$"
        r"|^(说|讲|念)一遍$",
        r"(您|你)?(刚才|刚刚|刚)(说|讲)(的)?[^，。？?]{0,6}(多少|几|哪|什么|啥)",
        r"^(啊|嗯|哈)$",
    ),
    "relation": (
        r"(您|你)(是|跟|和|与).{0,6}(什么|啥)(人|关系|亲戚)",
        r"(什么|啥)关系",
        r"(您|你)是(他|她|[\u4e00-\u9fff]{2,3})的(家人|家里人|家属|亲戚|爱人|妻子|丈夫|老婆|老公|妈妈|母亲|"
        r"爸爸|父亲|儿子|女儿|姐姐|妹妹|哥哥|弟弟|朋友|同事)",
        r"(您|你)是(他|她)(的)?(家人|家里人|家属|亲戚|爱人|妈妈|母亲|爸爸|父亲|老婆|老公|朋友)",
        r"(您|你)是(他|她).{0,2}(什么|哪位|谁)",
        r"(与|和|跟|同).{0,8}(的)?关系",
        r"^(您|你)(跟|和|与|同)(他|她|[\u4e00-\u9fff]{2,3})(是)?$",
        r"(您|你)是(否为)?(他|她|机主|持卡人|借款人|客户).{0,3}(哪位|什么)?(家人|家属|亲属|亲戚|配偶|父母|"
        r"子女|爱人|儿子|女儿|妈|爸|姐|妹|哥|弟|同事|朋友)",
        r"(他|她)是(您|你)(的)?(什么|谁|啥)",
        r"(您|你)(跟|和|与|同).{1,6}是$",
    ),
    "who_are_you": (
        r"(您|你)是(哪位|谁|哪个)",
        r"(怎么|如何)称呼",
        r"^(谁|哪位)(呀|啊)?$",
        r"(您|你)(贵姓|姓什么)",
        r"(请问|那)(您|你)是[?？]?$",
        r"哪位(接的|接听)?",
        r"(接电话|接听)的是(哪位|谁)",
    ),
    "is_in": (
        r"(在家|在吗|在不在|在不|在没在|方便接(电话)?)(吗|呢)?$",
        r"(让|请|叫)(他|她|[\u4e00-\u9fff]{2,3})接(一下)?电话",
        r"(他|她|本人|机主|持卡人|那位)(人)?(现在|这会儿|此刻)?在(不在|家|旁边|身边|现场)?(不|没|没有|吗|嘛|呢)?$",
        r"在(旁边|身边|现场)",
        r"(方便|能|可以)(接听|接电话|听电话)",
        r"(让|请|叫|麻烦).{0,4}(他|她).{0,3}(来)?接",
        r"(回来|到家)了(没|吗|没有)$",
    ),
    "when_back": (
        r"(什么时候|几点|哪天|啥时候|多会儿|多久|什么时间)(能|会|才)?(回来|回家|到家|在家|下班|方便接|有空接|"
        r"能接|接电话|联系得上)",
        r"(回来|回家|到家|下班)(大概|一般)?(是)?(什么时候|几点|啥时候)",
        r"(怎么|如何|哪里|怎样)(能|才能|可以)?(联系|找|找到)(上|到)?(他|她)",
        r"(他|她)的?(手机|电话|号码)(是)?(多少|几号|多少号)",
        r"(他|她)(一般|大概|通常|平时).{0,4}(几点|什么时候|啥时候)",
        r"(他|她)(去|在)(哪|哪儿|哪里)",
        r"(啥点|什么点|几点钟?|多会儿|啥时候|什么时候|几时)(儿)?(能|会|才)?(回|到家|下班|在家)",
        r"(他|她).{0,4}回(来|家)?(不|没|吗|没有)$",
    ),
    "id_digits": (
        r"(身份证|证件)(号|号码)?(的)?(后|末|最后)?(四|4|六|6)位",
        r"(身份证|证件)(号|号码)",
        r"(报|说|提供)(一下)?.{0,4}(身份证|证件|出生日期|生日)",
        r"出生(日期|年月)",
        r"(身份证|证件).{0,4}(尾号|尾数|后四|后六|最后|最尾|末尾)",
        r"(手机号|手机号码).{0,2}(后四位|尾号)",
    ),
    "name": (
        r"(请问)?(您|你)?是[\u4e00-\u9fff]{1,4}(女士|先生|小姐|阿姨|大姐|大哥)?(本人)?(吗|嘛|么|吧|是吧|对吧|对吗)",
        r"[\u4e00-\u9fff]{2,4}(女士|先生|小姐)?(是吧|对吧|对吗|是吗|吗)$",
        r"^(请问)?(您|你)?是不是[\u4e00-\u9fff]{2,4}(女士|先生|小姐)?(本人)?",
        r"是.{0,6}本人|^本人(吗|嘛|吧|是吧|对吧)?$|本人(接听|接的|在听)",
        r"是(不是)?.{0,2}(持卡人|机主|卡主)|^(持卡人|机主|卡主)(本人)?(吗|吧|嘛)?$",
        r"(找|找一下|请|麻烦)(一下)?(?![您你他她])[\u4e00-\u9fff]{1,4}(女士|先生|小姐)",
        r"(女士|先生|小姐)(在|在家|方便接)",
        r"^(请问|喂)?[\u4e00-\u9fff]{1,4}(女士|先生|小姐)(本人)?$",
    ),
    "why_late": (
        r"(什么|啥)(原因|困难|情况|问题|难处|事)",
        r"为(什么|啥)(没|还没|不|一直|迟迟|逾期|拖)",
        r"(怎么|咋)(没|还没|一直|迟迟|回事|搞的|会逾期|不还)",
        r"手头(紧|不宽裕|不方便|困难)",
        r"是(不是)?(遇到|碰到|有)(了)?(什么|啥)?(困难|难处|事|问题)",
        r"(逾期|没还|拖欠)(的)?(原因|是因为)",
        r"出(了)?(什么|啥)(事|状况|问题)",
        r"^(那|到底|究竟)?(是)?(为什么|为啥|咋回事|怎么回事)(呢|啊|呀)?$",
    ),
    "capacity": (
        r"(能|可以|方便|打算|准备)(先)?(还|拿出|凑出|凑|承担|负担|拿|搞定|给|出|交)(多少|几)",
        r"(安排|拿|凑|挤|腾)(得)?出(来)?多少",
        r"(每个?月|一个月|每期|现在|手头|目前|这个月).{0,6}(还|拿出|凑|承担|负担|拿)(得起|得出)?(多少|几)",
        r"手头(有|能拿出|上有)多少",
        r"(最多|最少)(能|可以)?还(多少)?",
        r"收入(情况)?(怎么样|多少|大概)",
        r"(还|拿)多少(合适|比较合适|能接受|没问题)",
        r"(您|你)觉得.{0,6}多少",
        r"多少(合适|能行|可以)",
        r"多少(钱|块)?.{0,3}(还得起|还得上|还得了|拿得出|凑得出|能还|可以还)",
        r"多少.{0,4}(能行|行得通|受得了|吃得消|扛得住|合适)",
        r"(还得起|还得上|拿得出|凑得出)(不|吗|么|没|没有)?$",
        r"(说|报|给)(个|一个)[^，。？?]{0,4}(数|准数|数字)",
        r"^(每个?月|一个?月|月)(大概|能|可以)?(还)?(多少|几)(钱|块)?$|还不还得(起|上)",
    ),
    "when_pay": (
        r"(什么时候|哪天|几号|啥时候|多久|什么时间)(能|可以|方便|打算|准备|会)?(先|开始)?(还|凑|拿|处理|存|转|结清)",
        r"(还|凑|存|转)(款|钱|上)?(的)?(时间|日子|日期)",
        r"(最快|最早|最迟|最晚)(什么时候|哪天|几号)",
        r"(说|报|给|定)(个|一个)[^，。？?]{0,4}(日子|时间|日期)",
        r"(什么时候|哪天|几号|啥时候)(能|可以|会)?(凑齐|凑够|凑到|准备好|到位|拿出来|还清|还上)",
        r"(下个?星期|下个?礼拜|下周|这周|这个星期|月底|明天|后天|今天|周末).{0,4}"
        r"(能不能|可不可以|能否|能|可以)(先)?(还|处理|转|存)",
        r"(第一笔|首期|第一期|头一笔|头期|还款|钱|款).{0,8}(哪天|几号|什么时候|啥时候|哪一天|几时)",
        r"(什么时候|哪天|几号|啥时候|什么时间|哪一天)(能|可以|方便|打算|准备|会)?(开始|起步|动手)(?!上班|工作|干|打工|上学)",
        r"(几号|哪天)(之前|以前|前)(能|可以)?",
        r"(哪天|什么时候|几号|啥时候|哪一天).{0,8}(还|打|转|存|交)(进来|过来|上|款|钱)?",
        r"(给个|说个|定个)(准话|日子|时间|日期)",
        r"^(几号|哪天|哪一天|什么时候|啥时候|最快|最早)(呢|啊|呀)?$",
        r"(今天|明天|后天|这周|本周|月底|下周|这个月|下个月|周[一二三四五六日末]).{0,4}(能|可以)"
        r"(先)?(到账|入账|还|处理)",
        r"(前|之前)(行不行|可以吗|行吗|能行吗|来得及吗)",
        r"(还款|还钱|入账|到账)(的)?(日期|时间|日子|节点)",
        r"(什么时候|几号|哪天|啥时候|几时)(能|可以|会|才能)?(入账|到账|还上|打进来|转进来|存进来)",
        r"(能|可以|能否)在.{1,6}(前|之前|以内|内)(还|处理|结清)",
        r"(今天|明天|这周|本周|月底|下周)(内)?.{0,2}(能|可以)(还|处理)",
        r"^(今天|明天|后天|这周|本周|月底|月初|下周|下个?礼拜|下个月|周[一二三四五六日末]|\d+号)(之前|前|内)?"
        r"(行不行|可以吗|行吗|能行吗|可不可以|好不好|成不成|行不)$",
        r"(能不能|可不可以|能否|可以)(在)?(今天|明天|后天|这周|本周|月底|下周|周末).{0,4}(还|处理|转|存)",
    ),
    "channel": (
        r"(什么|哪种|哪个|啥)(方式|渠道|途径|办法)(还|来还|还款|转|存|付)",
        r"(通过|用|走)(什么|哪个|哪种|啥)",
        r"(怎么|如何)(还|还款|转账|存进去|付)(呢|吗|比较方便|方便)",
        r"(还款|转账)(方式|渠道)",
        r"(手机银行|网银|微信|支付宝|柜台|网点|app|自动扣款|云闪付|银行卡|现金|转账).{0,4}"
        r"(还是|或者|方便吗|可以吗|行吗)",
        r"(何种|什么|哪种|啥)(方式|途径|渠道)",
        r"(用|开通|会用|开通了)(了)?.{0,2}(手机银行|网银|微信|支付宝|app|云闪付)",
        r"(现金|转账|微信|支付宝|网银|柜台).{0,2}还是",
        r"从哪(儿|里)?(转|还|打)",
        r"^(那)?(怎么|如何|咋)(还|还款|转|转账|付|打)(钱|款|过来|进来)?(呢|啊|呀)?$",
        r"(哪个|什么)(账户|账号)",
        r"(打算|准备|想|要|会)(怎么|如何|咋)(还|付|转|交)(钱|款)?(呢|啊|呀)?$",
        r"(在|去)(哪|哪儿|哪里)(还|交|转|存)(款|钱)?",
        r"(钱|款).{0,2}(怎么|咋|如何)(给|付|交|还|转|打)|^(那)?(怎么|咋|如何)(给|付|交)(钱|款)?(呢|啊|呀)?$",
        r"从哪(个|张)?(卡|账户|银行)?(转|还|打)",
        r"(说|报|给)(个|一个)?(渠道|方式)",
        r"(手机银行|网银|微信|支付宝|云闪付|app|柜台).{0,2}(能|可以|方便)(转|还|付|交|用)",
        r"(线上|线下|网上|柜台|现金|转账|自动扣款).{0,4}还是",
        r"(怎么|咋|如何)(把钱)?(还|转|打|存|交)(账|款|钱)?(进来|过来|进去|回来)(的|呢|啊|呀)?$",
        r"(怎么|咋|如何)(转账|还款|交钱|还钱)(的|呢|啊|呀)?$",
    ),
    "amount_right": (
        r"(金额|数目|数字|这个数|钱数|欠款|账单)(您|你)?(对|没错|有问题|没问题|准确|清楚|认|心里有数)",
        r"(心里有数|认不认|认吧|认吗|有印象吗|没错吧)",
        r"核对过|对得上|(和|跟|与)(您|你)?(了解|知道|记得|看到)的?(一致|一样|相符)",
        r"(对不对|有没有问题|没问题吧|没错吧|对吧|对吗|是吧)$",
        r"(您|你)(知道|清楚|认可|确认|核对)(一下)?.{0,10}(欠|金额|账单)",
        r"(有|对|无).{0,6}(异议|疑问)",
        r"(对得上|确认无误|是否正确|对的吧|认不认|你认吧|您认吧)",
        r"(是)?(你|您)(自己)?刷的",
        r"有没有?(什么)?(问题|出入|异议|疑问)(呀|啊|吗|呢)?$",
        r"(一致|相符|对得上|吻合)(吗|不|没有?|呢)?$|是否(一致|相符|正确|准确|属实)",
    ),
}
_COMPILED = {kind: re.compile("|".join(f"(?:{p})" for p in ps)) for kind, ps in _PATTERNS.items()}
# A clause that names an amount and asks 对吗 asks about the amount only when it is the debt.
_DEBT_WORDS = re.compile(r"欠|账|逾期|应还|未还|待还|要还的|金额|总共|一共|消费|刷的")
_BACKED_BY = {"why_late": "ask_reason", "capacity": "ask_capacity"}
"""Kinds the rules found that the understanding's acts confirm: the model does not drop them."""
_ABOUT_SOMEONE = re.compile(r"他|她|本人|持卡人|机主|卡主|先生|女士|家里人|家人")
_PLAN_WORDS = re.compile(
    r"每个?月|一个月|(?<!逾)期|头一笔|第一笔|分.{0,3}(期|个月)|(之前|以前|前)还|还款计划|方案"
)


@dataclass(frozen=True)
class Question:
    """One question found in the trainee's line."""

    kind: str
    """A key of :data:`QUESTIONS`."""
    quote: str
    """The clause that asks it."""


def clauses(text: str) -> list[tuple[str, bool]]:
    """The clauses of a line, each with whether it is marked as a question (？ or a particle).

    A question mark marks the clause before it; a trailing ``吗/呢/吧`` marks its own clause.
    """
    simple = _mandarin(to_simplified(text or "").strip())
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _CLAUSE.finditer(simple + "。"):
        piece = simple[pos : m.start()].strip()
        pos = m.end()
        if not piece:
            continue
        asked = bool(_QMARK.search(m.group()) or _PARTICLE.search(piece) or _MA.search(piece))
        if out and _TAG.fullmatch(piece):  # 您是王丽娟，对吧？ asks about the clause before
            out[-1] = (out[-1][0] + piece.lower(), True)
            continue
        out.append((piece.lower(), asked))
    return out


def _asks(clause: str, asked: bool) -> bool:
    return asked or bool(_WH.search(clause))


# Requests that ask without a question word: 请您告知… / 麻烦您转告他 / 能不能… / 方便…
_REQUEST = re.compile(
    r"(请|麻烦|烦请|劳驾)(您|你)?.{0,4}(说|报|讲|提供|告知|告诉|核对|核实|确认|转告|转达|重复|说明)"
    r"|能不能|可不可以|能否|是否|有没有|会不会|行不行|方便|(还是|或者).{0,8}$|[不没]$|再(说|讲|报)"
)


# What a collector's call is about: a question on these is on topic even when not understood.
_CALL_TOPIC = re.compile(
    r"还|欠|钱|款|卡|账|银行|身份|本人|他|她|电话|多少|几号|哪天|什么时候|方式|关系|称呼|说|逾期|利息|分期"
)


ON_TOPIC_P = 0.5
"""P of the likeliest kind at which a question counts as about the call. Off-topic small talk
(今天天气真不错，你喜欢吃火锅吗) reaches 0.3–0.45 on the day words it shares with 哪天还; above
half the line is more like a question of the call than not."""


def on_topic_question(text: str) -> bool:
    """Whether the line asks something about the call (not 你喜欢吃火锅吗).

    A question on the call the customer did not understand is met with "你是问什么？", not
    taken as off-topic.
    """
    if not is_question(text):
        return False
    model = default_question_model()
    if model is not None and max(model.scores(text)[0].values(), default=0.0) >= ON_TOPIC_P:
        return True
    return bool(_CALL_TOPIC.search(_mandarin(to_simplified(text))))


_ALTERNATIVE = re.compile(r"还是.{0,8}$|[能会要行]不$")
"""An alternative or A-not-A question without a mark: 微信还还是支付宝还 / 今天能还不."""


def is_question(text: str) -> bool:
    """Whether the line asks something at all.

    A question mark, a particle, a question word, an A-not-A, or a request (报一下身份证后四位 /
    麻烦您转告他).
    """
    for clause, asked in clauses(text):
        if _asks(clause, asked) or _IMPERATIVE.search(clause) or _REQUEST.search(clause):
            return True
    return False


# An elliptical follow-up names only the topic (那渠道呢？/ 日子呢？/ 还有原因呢？): the kind is the
# topic's. One that names none (最多呢？/ 那具体呢？/ 然后呢？) goes on with the last question asked.
_ELLIPSIS = re.compile(
    r"^(?:那|那么|还有|然后|再就是|另外)?(?:您|你)?(?:的|这边)?(?P<topic>.{0,6}?)(?:呢|嘞|咧)(?:啊|呀)?$"
)
_TOPICS = (
    (
        "channel",
        r"渠道|方式|途径|办法|怎么还|咋还|用什么|用啥|用哪个|哪个平台|账户|账号"
        r"|微信|支付宝|手机银行|网银|柜台|银行卡|云闪付|现金|转账",
    ),
    (
        "when_pay",
        r"时间|日子|日期|哪天|几号|几点|什么时候|啥时候|几时|首期|第一期|第一笔|头一笔|最早|最快|最晚"
        r"|礼拜|星期|月底|月初|何时|何日|哪日|还款日|首付",
    ),
    (
        "capacity",
        r"金额|多少|每个?月|一个?月|月供|数目|钱数|最多|最少|上限|还款额|额度|几何|的数|个数|数字",
    ),
    ("why_late", r"原因|为什么|为啥|怎么回事|咋回事"),
    ("id_digits", r"身份证|证件|后四位|尾号"),
    ("relation", r"关系"),
    ("when_back", r"回来|到家|下班|在家"),
    ("when_pay", r"早上|上午|中午|下午|晚上|白天|夜里|今天|明天|后天|周末|这周|下周|月底|月初"),
)
_TOPIC_RES = tuple((kind, re.compile(words)) for kind, words in _TOPICS)
_BARE_TOPIC = re.compile(r"^(?:那|那么|还有)?(?P<topic>.{1,4})$")
"""A topic said alone and asked (每月？/ 渠道？/ 日子？): read like 那…呢."""
_FOLLOW_UP_WORDS = re.compile(r"^(?:最多|最少|大概|具体|一般|平时|那个|这个|其他|别的|然后|还有)?$")


# A bare question word with its adverb (大概几点？/ 具体哪天？/ 最多多少？) asks what the call is on.
_BARE_WH = re.compile(
    r"^(?:那|那么)?(?:到底|究竟)?(?:大概|大约|具体|一般|通常|平时|最晚|最迟|最早|最快|最多|最少)?(?:是)?"
    r"(?P<wh>几点钟?|几号|哪天|哪一天|什么时候|啥时候|几时|多少钱?|多少块)(?:左右)?(?:呢|啊|呀)?$"
)
_TIME_KINDS = ("when_back", "when_pay")


def _bare(clause: str, previous: tuple[Question, ...], third_party: bool) -> tuple[Question, ...]:
    """A bare question word read as the call's question of its kind (time: back or pay)."""
    m = _BARE_WH.match(clause)
    if not m:
        return ()
    if m.group("wh").startswith("多少"):
        return (Question("capacity", clause),)
    return (Question(_time_kind(previous, third_party), clause),)


def _time_kind(previous: tuple[Question, ...], third_party: bool) -> str:
    """The call's time question: when he is back, or when they pay (the last one asked)."""
    before = [q.kind for q in previous if q.kind in _TIME_KINDS]
    return before[0] if before else ("when_back" if third_party else "when_pay")


def follow_up(
    text: str, previous: Iterable[Question] = (), *, third_party: bool = False
) -> tuple[Question, ...]:
    """The questions an elliptical line asks, read from its topic or the call's last question.

    ``那渠道呢？`` asks which channel; ``最多呢？`` asks again what the last line asked (how much).
    Empty when the line is not elliptical, or names no topic and nothing was asked before.
    """
    previous = tuple(q for q in previous if q.kind != "repeat")
    for clause, asked in clauses(text):
        bare = _bare(clause, previous, third_party)
        if bare:
            return bare
        m = _ELLIPSIS.match(clause) or (asked and _BARE_TOPIC.match(clause))
        if not m:
            continue
        topic = m.group("topic")
        for kind, words in _TOPIC_RES:
            if words.search(topic):
                if kind in _TIME_KINDS:  # 最晚呢？ after 他几点回来 asks when he is back
                    kind = _time_kind(previous, third_party)
                return (Question(kind, clause),)
        if _FOLLOW_UP_WORDS.match(topic) and previous:
            return tuple(Question(q.kind, clause) for q in previous)
    return ()


def ask(
    u: Understanding | str,
    *,
    names: Iterable[str] = (),
    third_party: bool = False,
    model: QuestionModel | None | bool = True,
    previous: Iterable[Question] = (),
) -> tuple[Question, ...]:
    """Every question the line asks, in the order asked (one per kind).

    The clause rules read the line first; the question model (:mod:`.question_model`, char
    n-grams learned from the question corpus) then adds the kinds it is sure of that the rules
    missed, and may drop a rule's hit it finds very unlikely.

    Args:
        u: what ``understand`` made of the line (or the bare text).
        names: the cardholder's name(s), so that ``王丽娟是吧`` reads as a check of identity.
        previous: the questions the trainee's last line asked, for an elliptical follow-up
            (``那渠道呢？`` names its topic; ``最多呢？`` asks the last question again).
        third_party: the person on the line is known not to be the cardholder (``他在家吗`` asks
            when he is back, not whether this is him).
        model: the question model to use: ``True`` the shipped one, ``False``/``None`` none
            (the rules alone), or a model of one's own (cross-validation).

    """
    if isinstance(u, str):
        u = Understanding(text=u)
    ruled = rule_questions(u, names=names)
    found = ruled
    if model is True:
        model = default_question_model()
    if model:
        found = model.fuse(u.text, ruled, asked=is_question(u.text))
        found = _checked(u, found, ruled, tuple(n for n in names if n))
    asked = _ordered(u.text, _pruned(found, third_party, ruled))
    said = clauses(u.text)
    if len(said) == 1 and _BARE_WH.match(said[0][0]):  # 大概几点？ goes on with the call's topic
        return follow_up(u.text, previous, third_party=third_party) or asked
    return asked or follow_up(u.text, previous, third_party=third_party)


def _checked(
    u: Understanding, found: dict[str, str], ruled: dict[str, str], names: tuple[str, ...]
) -> dict[str, str]:
    """The model's changes, less those the line's own words contradict.

    A check of identity that names the cardholder (请问这是林浩的电话吗) stands whatever the
    model thinks, and so does a check of the debt stated (欠款12600，这个数有没有问题？); "is the
    amount right" is not added to a read-back of a plan (下周五前还两千，
    对吧？), which the rules leave to the negotiation too.
    """
    out = dict(found)
    quote = ruled.get("name", "")
    for kind, quote in ruled.items():  # a clause that is mostly the question (你先定个日子)
        m = _COMPILED[kind].search(quote) if kind in _COMPILED else None
        if kind not in out and m and len(m.group()) >= 0.6 * len(quote):
            out[kind] = quote
    for kind, act in _BACKED_BY.items():  # the understanding read the same question: it stands
        if kind in ruled and kind not in out and u.has(act) and ruled[kind] != u.text:
            out[kind] = ruled[kind]
    titled = tuple(n[0] + t for n in names for t in ("女士", "先生", "小姐"))
    if quote and any(n in quote for n in (*names, *titled)):
        out.setdefault("name", quote)
    for kind in ("when_back", "is_in", "leave_message", "relation"):  # about him, not 钱打进来
        about = _ABOUT_SOMEONE.search(_mandarin(to_simplified(u.text)))
        if kind in out and kind not in ruled and not about:
            if not any(n in u.text for n in names):
                out.pop(kind)
    if "repeat" in out and "repeat" not in ruled and (u.amounts or u.due_date or u.months):
        out.pop("repeat")  # 刚才念错了一项，应该是12月5号前还八百: terms said, not "say again"
    debt_check = "amount_right" in ruled and _DEBT_WORDS.search(u.text)
    if debt_check and not (_PLAN_WORDS.search(u.text) or u.has("offer_plan", "summarize_confirm")):
        out.setdefault("amount_right", ruled["amount_right"])  # 欠款是…，这个数目有没有问题？
    if "amount_right" in out and "amount_right" not in ruled:
        if _PLAN_WORDS.search(u.text) or u.has("summarize_confirm", "offer_plan"):
            out.pop("amount_right")
    return out


def rule_questions(u: Understanding, *, names: Iterable[str] = ()) -> dict[str, str]:
    """The kinds the clause rules and ``understand``'s acts find, each with its quote."""
    names = tuple(n for n in names if n)
    found: dict[str, str] = {}

    def add(kind: str, quote: str) -> None:
        found.setdefault(kind, quote)

    line_asks = False
    for clause, asked in clauses(u.text):
        if not _asks(clause, asked) and not _IMPERATIVE.search(clause):
            if not _ALTERNATIVE.search(clause):
                continue
        line_asks = True
        if names and re.fullmatch(
            rf"(?:请问|喂)?(?:{'|'.join(map(re.escape, names))})(?:本人)?", clause
        ):
            add("name", clause)  # 喂，银行的。林浩？
        for kind, pattern in _COMPILED.items():
            m = pattern.search(clause)
            if not m:
                continue
            if kind == "name" and not _names_someone(clause, m.group(), names):
                continue
            if kind == "amount_right" and not _DEBT_WORDS.search(u.text):
                plan = _PLAN_WORDS.search(u.text) or u.has("summarize_confirm", "offer_plan")
                if plan or not re.search(r"\d|[一二三四五六七八九十百千万]", clause):
                    continue
            if kind == "repeat" and re.search(
                r"什么(原因|事|时候|方式|关系|人)|我(再|重新)?(说|讲|重复|复述)", clause
            ):
                continue  # 我再说一遍: the trainee repeats, nobody is asked to
            add(kind, clause)
    # Acts the understanding found count as the same questions where the clause rules missed.
    text = u.text
    if not line_asks:
        return found  # 我们需要核实身份: said, not asked
    if u.has("ask_reason"):
        add("why_late", text)
    if u.has("ask_capacity") and "when_pay" not in found:
        add("capacity", text)
    if u.has("verify_identity") and _COMPILED["id_digits"].search(text.lower()):
        add("id_digits", text)
    if u.has("ask_for_cardholder", "verify_identity") and "id_digits" not in found:
        moot = {"relation", "who_are_you", "when_back", "amount_right", "leave_message"}
        if not (moot & found.keys()):
            add("name", text)
    return found


PRUNED_BY = (
    ("is_in", "when_back"),  # 他什么时候在家 asks when, not whether
    ("who_are_you", "relation"),  # 您是他什么人 asks the relation, which says who too
    ("name", "relation"),
)
"""``(moot, by)``: a kind made moot by another found in the same line."""


def _pruned(found: dict[str, str], third_party: bool, ruled: Iterable[str] = ()) -> dict[str, str]:
    """Drop kinds another kind found in the same line makes moot.

    A kind the rules found is not dropped for one only the model added (``ruled``: the
    rules' kinds; 请问他在家吗 stays "is he in" when the model also hears "when is he back").
    """
    ruled = set(ruled)
    out = dict(found)
    for moot, by in PRUNED_BY:
        if by in found and not (moot in ruled and by not in ruled):
            out.pop(moot, None)
    if "is_in" in out and third_party:
        out.pop("name", None)  # 请问李强在家吗: to a relative, whether he is in
    if {"when_pay", "capacity"} <= out.keys() and out["when_pay"] == out["capacity"]:
        out.pop("capacity")
    return out


def _ordered(text: str, found: dict[str, str]) -> tuple[Question, ...]:
    order = {kind: i for i, kind in enumerate(QUESTIONS)}
    return tuple(
        Question(kind, quote)
        for kind, quote in sorted(found.items(), key=lambda kv: (text.find(kv[1]), order[kv[0]]))
    )


def _names_someone(clause: str, hit: str, names: tuple[str, ...]) -> bool:
    """A ``name`` pattern hit is a check of identity only when it names the cardholder or 本人."""
    if re.search(r"本人|持卡人|机主|卡主|女士|先生|小姐", hit):
        return True
    for name in names:
        if name in clause or (len(name) >= 2 and name[0] + "女士" in clause):
            return True
        if len(name) >= 3 and name[1:] in clause:  # 丽娟是吧
            return True
    return False
