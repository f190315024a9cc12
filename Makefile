# agentguard. `make help` lists the targets.
SHELL := /usr/bin/env bash
MVN ?= ./mvnw
MVN_FLAGS ?= -B -ntp

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# kubectl agentguard: the launcher and the jar with its libraries, installed under PREFIX.
PREFIX ?= $(HOME)/.local
PLUGIN_JAR := kubectl-agentguard/target/kubectl-agentguard.jar
PLUGIN_INPUTS = $(shell find pom.xml api kubectl-agentguard -name target -prune -o -type f \( -name pom.xml -o -path '*/src/main/*' \) -print)

# make demo: where it lives (printed), and the cluster it uses. KUBECONFIG counts only when given
# on the make command line (make demo KUBECONFIG=~/.kube/config), never from the environment, so
# that a demo is never installed into whatever cluster the shell happens to point at.
DEMO_DIR ?= $(or $(TMPDIR),/tmp)/agentguard-demo
DEMO_CLUSTER := $(if $(filter command line,$(origin KUBECONFIG)),--kubeconfig $(KUBECONFIG))
# What the demo runs, rebuilt only when a source or pom is newer (cached work is skipped).
DEMO_ARTIFACTS := webhook/target/quarkus-app/quarkus-run.jar exec-shim/target/quarkus-app/quarkus-run.jar \
  proxy/target/quarkus-app/quarkus-run.jar operator/target/quarkus-app/quarkus-run.jar demo/target/demo.jar
DEMO_INPUTS = $(shell find pom.xml pki api relay webhook exec-shim proxy operator kubectl-agentguard test-support demo \
  -name target -prune -o -type f \( -name pom.xml -o -path '*/src/main/*' \) -print)

.PHONY: demo
demo: kube-binaries helm test-tools $(DEMO_ARTIFACTS) $(PLUGIN_JAR) ## Run agentguard on a local control plane and show it guarding an agent (no cluster or Docker needed)
	java -jar demo/target/demo.jar up --dir $(DEMO_DIR) $(DEMO_CLUSTER)

.PHONY: demo-down
demo-down: ## Stop everything make demo started and remove its directory
	@if [[ -f demo/target/demo.jar ]]; then java -jar demo/target/demo.jar down --dir $(DEMO_DIR); \
	else echo "no demo build (demo/target/demo.jar); nothing to stop"; fi

$(DEMO_ARTIFACTS) &: $(DEMO_INPUTS)
	@echo "==> building the components and the demo (mvn package -pl demo -am)"
	$(MVN) $(MVN_FLAGS) package -DskipTests -pl demo -am

$(PLUGIN_JAR): $(PLUGIN_INPUTS)
	@echo "==> building kubectl agentguard (mvn package -pl kubectl-agentguard -am)"
	$(MVN) $(MVN_FLAGS) package -DskipTests -pl kubectl-agentguard -am

.PHONY: install-plugin
install-plugin: $(PLUGIN_JAR) ## Install kubectl agentguard into PREFIX (default ~/.local: PREFIX/bin must be on the PATH)
	rm -rf $(PREFIX)/lib/agentguard
	install -d $(PREFIX)/bin $(PREFIX)/lib/agentguard/lib
	install -m 0644 $(PLUGIN_JAR) $(PREFIX)/lib/agentguard/
	install -m 0644 kubectl-agentguard/target/lib/*.jar $(PREFIX)/lib/agentguard/lib/
	install -m 0755 kubectl-agentguard/src/main/dist/kubectl-agentguard $(PREFIX)/bin/kubectl-agentguard
	@echo "installed: $(PREFIX)/bin/kubectl-agentguard   (try: kubectl agentguard approvals)"

.PHONY: plugin-archive
plugin-archive: $(PLUGIN_JAR) ## Build the archive the krew manifest (kubectl-agentguard/krew/agentguard.yaml) names, and print its sha256
	rm -rf kubectl-agentguard/target/archive && $(MAKE) --no-print-directory install-plugin PREFIX=$(CURDIR)/kubectl-agentguard/target/archive
	tar -C kubectl-agentguard/target/archive --sort=name --owner=0 --group=0 --mtime=@0 -czf kubectl-agentguard/target/kubectl-agentguard.tar.gz bin lib
	sha256sum kubectl-agentguard/target/kubectl-agentguard.tar.gz

.PHONY: build
build: ## Compile and package every module (no tests)
	$(MVN) $(MVN_FLAGS) package -DskipTests

.PHONY: test
test: fresh-cache-check kube-binaries helm keycloak test-tools ## Run the whole suite: unit tests and integration tests against a real kube-apiserver
	$(MVN) $(MVN_FLAGS) verify

.PHONY: bench
bench: kube-binaries ## Run every benchmark (about 40 minutes on 2 cores; not a test) and write docs/benchmark-runs/<date>.md
	hack/bench/all.sh

# make fuzz: each fuzz target in turn, FUZZ_TIME each (Jazzer's max_duration: 30s, 5m, 1h). Jazzer fuzzes
# one @FuzzTest per JVM, hence one test run per target. Crashing inputs land next to the committed
# regression inputs (api/src/test/resources/**/*FuzzTestInputs/), where every later test run replays them.
FUZZ_TIME ?= 60s
FUZZ_TARGETS ?= RequestParserFuzzTest\#parse ShellScriptFuzzTest\#anyScript ShellScriptFuzzTest\#separatedCommands

.PHONY: fuzz
fuzz: ## Fuzz the parsers agents feed directly (api: RequestParser, ShellScript), FUZZ_TIME (default 60s) per target
	@set -e; for target in $(FUZZ_TARGETS); do \
	  echo "==> fuzzing $$target for $(FUZZ_TIME)"; \
	  JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$(FUZZ_TIME) $(MVN) $(MVN_FLAGS) -pl api test -Dtest="$$target" \
	    -Dsurefire.failIfNoSpecifiedTests=false; \
	done

.PHONY: unit-test
unit-test: ## Run only the unit tests (no control plane needed)
	$(MVN) $(MVN_FLAGS) verify -DskipITs

.PHONY: crds
crds: ## Regenerate the CRD YAML from the api classes into manifests/crds and the chart
	$(MVN) $(MVN_FLAGS) -q -pl api package -DskipTests
	mkdir -p manifests/crds charts/agentguard/crds
	for f in api/target/classes/META-INF/fabric8/*-v1.yml; do \
	  name=$$(basename $$f -v1.yml); \
	  cp $$f manifests/crds/$$name.yaml; cp $$f charts/agentguard/crds/$$name.yaml; \
	done

.PHONY: images
images: ## Build the OCI images (no Docker daemon) into images/target/images/<name>.tar; IMAGES_BASE=<ref> uses a public JRE base
	$(MVN) $(MVN_FLAGS) -pl images -am package -DskipTests $(if $(IMAGES_BASE),-Dimages.base=$(IMAGES_BASE))
	@cat images/target/images/images.txt

.PHONY: manifests
manifests: ## Render manifests/ from charts/agentguard with default values (the plain-YAML install)
	hack/manifests.sh

.PHONY: chart-readme
chart-readme: ## Regenerate the values table of charts/agentguard/README.md from values.yaml
	$(MVN) $(MVN_FLAGS) -q -pl e2e -am test -Dtest=ChartReadmeTest -Dsurefire.failIfNoSpecifiedTests=false -Dagentguard.write-chart-readme=true

.PHONY: kube-binaries
kube-binaries: ## Build (or reuse from cache) etcd, kube-apiserver, kube-controller-manager, kubectl and kwok
	hack/kube-binaries.sh >/dev/null

.PHONY: fresh-cache-check
fresh-cache-check: ## Prove the binary build needs no warm cache: build kwok with empty Go and binary caches
	hack/fresh-cache-check.sh

.PHONY: helm
helm: ## Build (or reuse from cache) helm, pinned in hack/helm/go.mod, for the chart's tests
	hack/helm.sh >/dev/null

.PHONY: keycloak
keycloak: ## Fetch (or reuse from cache) Keycloak from Maven Central, pinned in hack/keycloak.sh, the tests' OIDC provider (needs JDK 21+)
	hack/keycloak.sh >/dev/null

.PHONY: test-tools
test-tools: ## Install (or reuse from cache) the asciinema player the tests replay recordings with
	hack/asciinema.sh >/dev/null

.PHONY: clean
clean: ## Remove build output (the binary cache in ~/.kubeapitest stays)
	$(MVN) $(MVN_FLAGS) clean
