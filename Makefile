# The two commands of the README, over CMake presets:
#   make run   install dependencies, build, open the GUI on the demo study
#              (headless analysis of the demo study when no display is available)
#   make test  install dependencies, build, run the whole test suite through ctest
PRESET ?= dev
BUILD := build/$(PRESET)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test deps build demo clean format

deps:
	$(SUDO) bash packaging/install-deps.sh

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET)

demo: build
	cmake --build --preset $(PRESET) --target demo_study

run: demo
	bash packaging/run-demo.sh $(BUILD)

test: build
	ctest --preset $(PRESET)

format:
	find app core imaging inference tests -name '*.h' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf build
