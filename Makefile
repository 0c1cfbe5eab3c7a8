# The two commands of the README, over CMake presets:
#   make run   install dependencies, build, open the GUI on the demo study
#              (headless analysis of the demo study when no display is available)
#   make test  install dependencies, build, run the whole test suite through ctest,
#              then fuzz the DICOM reader for a minute (preset fuzz, clang)
# and, for maintainers, make models (retrain the reference models, about 50 min on 2 cores).
PRESET ?= dev
BUILD := build/$(PRESET)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test fuzz deps build demo models models-ct models-fundus clean format

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
	$(MAKE) fuzz

# libFuzzer on the DICOM reader, FUZZ_SECONDS long (a crash, a sanitizer
# report, a hang or a runaway allocation fails it; the input is kept in
# build/fuzz/fuzz/dicom/).
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake --preset fuzz -DVIGIE_FUZZ_SECONDS=$(FUZZ_SECONDS)
	cmake --build --preset fuzz
	ctest --preset fuzz

# Retrains the reference model(s) from synthetic phantoms, on the CPU, from
# fixed seeds, and writes the bundles that ship in resources/models/.
MODEL_DATA := $(BUILD)/model-data
CLI := $(BUILD)/app/vigie-cli
models: models-ct models-fundus

models-ct: build
	rm -rf $(MODEL_DATA)/ct-train
	$(CLI) synth ct --format nifti --out $(MODEL_DATA)/ct-train --count 60 --seed 1000 \
	  --size 288x288x200 --spacing 1.25x1.25x1.25 --nodules 8
	/usr/bin/python3 inference/training/train_ct_nodule.py --data $(MODEL_DATA)/ct-train \
	  --out resources/models/ct-nodule-synth --vigie-cli $(CLI) --data-seed 1000 --iterations 4800
	rm -rf $(MODEL_DATA)/ct-eval
	$(CLI) synth ct --out $(MODEL_DATA)/ct-eval --count 16 --seed 9000 --size 288x288x200 \
	  --spacing 1.25x1.25x1.25 --nodules 8
	$(CLI) eval nodules --data $(MODEL_DATA)/ct-eval --model resources/models/ct-nodule-synth \
	  --out $(MODEL_DATA)/ct-eval-result
	/usr/bin/python3 inference/training/record_metrics.py resources/models/ct-nodule-synth/manifest.json \
	  $(MODEL_DATA)/ct-eval-result/metrics.json cpm=all.cpm \
	  sensitivity_at_1fp=all.sensitivity_at_fp_per_scan.1 \
	  sensitivity_at_1fp_4mm_plus=at_least_4mm.sensitivity_at_fp_per_scan.1

models-fundus: build
	rm -rf $(MODEL_DATA)/fundus-train
	$(CLI) synth fundus --out $(MODEL_DATA)/fundus-train --count 1500 --seed 2000 --size 384
	/usr/bin/python3 inference/training/train_fundus_dr.py --data $(MODEL_DATA)/fundus-train \
	  --out resources/models/fundus-dr-synth --vigie-cli $(CLI) --data-seed 2000 --epochs 12
	rm -rf $(MODEL_DATA)/fundus-eval
	$(CLI) synth fundus --out $(MODEL_DATA)/fundus-eval --count 300 --seed 9100 --size 768
	$(CLI) eval dr --data $(MODEL_DATA)/fundus-eval --model resources/models/fundus-dr-synth \
	  --out $(MODEL_DATA)/fundus-eval-result
	/usr/bin/python3 inference/training/record_metrics.py resources/models/fundus-dr-synth/manifest.json \
	  $(MODEL_DATA)/fundus-eval-result/metrics.json referable_auc=referable_roc_auc \
	  sensitivity=sensitivity specificity=specificity kappa=grade_quadratic_weighted_kappa \
	  ungradable_flagged=ungradable_flagged

format:
	find app core imaging inference tests -name '*.h' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf build
