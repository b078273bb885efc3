# dokompose: every entry point a developer or CI needs.
# Deno is pinned; when `deno` is not on PATH it is installed from the npm registry into .tools/.

DENO_VERSION := 2.9.6
TOOLS := $(CURDIR)/.tools
ifeq ($(shell command -v deno 2>/dev/null),)
DENO := $(TOOLS)/node_modules/deno/deno
DENO_DEP := $(DENO)
else
DENO := deno
DENO_DEP :=
endif
SSHD := /usr/sbin/sshd

export DENO_NO_UPDATE_CHECK := 1

.PHONY: all test check fmt lint typecheck unit demo demo-run build bench schemas golden ssh-tools clean

all: test

$(TOOLS)/node_modules/deno/deno:
	mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error deno@$(DENO_VERSION)
	test -x $@

# The OpenSSH server for the ssh end-to-end tests (Debian package; needs root and apt).
ssh-tools:
	@test -x $(SSHD) || (command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null)) || \
	  echo "warning: could not install openssh-server; the ssh tests will fail" >&2

# The one gate: formatting, lint, type check, then every test.
test: $(DENO_DEP) ssh-tools check unit

check: $(DENO_DEP)
	$(DENO) fmt --check
	$(DENO) lint
	$(DENO) check mod.ts src/ test/ bench/ scripts/

unit: $(DENO_DEP) build
	$(DENO) test -A --parallel test/ </dev/null

fmt: $(DENO_DEP)
	$(DENO) fmt

# The main job on a bundled example: compile fixtures/demo (compose.yaml + override + .env) into a
# Dokkufile, printed on stdout with the mapping warnings on stderr.
demo: $(DENO_DEP)
	$(DENO) run -A --config deno.json src/cli/main.ts compile --project-directory fixtures/demo

# The other half on the same example: compile into a temp dir, run the Dokkufile against the
# stateful dokku test double (no Dokku needed), then run it again: every step is unchanged.
demo-run: $(DENO_DEP)
	@tmp=$$(mktemp -d) && dk="$(DENO) run -A --config deno.json src/cli/main.ts" && \
	$$dk compile --project-directory fixtures/demo -o $$tmp/Dokkufile 2>/dev/null && \
	echo "== first run (Dokkufile: $$tmp/Dokkufile)" && \
	DOKKU_DOUBLE_STATE=$$tmp/double $$dk run $$tmp/Dokkufile --dokku test/dokku_double/dokku \
	  --state $$tmp/state.json --verify-timeout 10 && \
	echo "== second run: nothing changed, nothing runs" && \
	DOKKU_DOUBLE_STATE=$$tmp/double $$dk run $$tmp/Dokkufile --dokku test/dokku_double/dokku \
	  --state $$tmp/state.json

# One file for users' machines: `deno run -A dist/dokompose.js`, or a binary with `deno compile`.
build: $(DENO_DEP)
	$(DENO) run -A --config deno.json scripts/build.ts dist/dokompose.js

schemas: $(DENO_DEP)
	$(DENO) run -A --config deno.json scripts/gen_schemas.ts

golden: $(DENO_DEP)
	UPDATE_GOLDEN=1 $(DENO) test -A test/

bench: $(DENO_DEP) build
	$(DENO) run -A --config deno.json bench/run.ts

clean:
	rm -rf dist bench/out
