import assert from "node:assert/strict";
import {
  commandNames,
  datastoreNames,
  findCommand,
  isReadOnlyCommand,
  storageEntryNameProblem,
  validateArgv,
} from "./support/dokku_spec.ts";

function ok(argv: readonly string[]) {
  const r = validateArgv(["dokku", ...argv]);
  assert.ok(r.ok, `expected valid: ${JSON.stringify(argv)}; got: ${r.ok ? "" : r.reason}`);
  return r;
}

function bad(argv: readonly string[], reason: string | RegExp, exit: 1 | 2 = 1) {
  const r = validateArgv(["dokku", ...argv]);
  assert.ok(!r.ok, `expected invalid: ${JSON.stringify(argv)}`);
  if (typeof reason === "string") {
    assert.ok(r.reason.includes(reason), `reason ${JSON.stringify(r.reason)} lacks ${reason}`);
  } else {
    assert.match(r.reason, reason);
  }
  assert.equal(r.exit, exit, `exit code for ${JSON.stringify(argv)}: ${r.reason}`);
  return r;
}

Deno.test("spec: commands.json loads every family", () => {
  assert.equal(datastoreNames().length, 10);
  assert.ok(commandNames().includes("apps:create"));
  assert.ok(commandNames().includes("postgres:link"));
  assert.ok(commandNames().includes("letsencrypt:enable"));
  assert.equal(findCommand("meilisearch:create")?.family, "datastore");
  assert.equal(isReadOnlyCommand("apps:exists"), true);
  assert.equal(isReadOnlyCommand("apps:create"), false);
  assert.equal(isReadOnlyCommand("no:such"), false);
});

Deno.test("spec: argv must start with dokku and name a command", () => {
  assert.equal(validateArgv(["docker", "ps"]).ok, false);
  bad([], "no command given");
  bad(["foo:bar"], "`foo:bar` is not a dokku command");
});

Deno.test("spec: leading global flags", () => {
  const r = ok(["--quiet", "--trace", "--force", "--no-restart", "apps:list"]);
  assert.deepEqual(r.globals, {
    quiet: true,
    trace: true,
    force: true,
    noRestart: true,
  });
  const withApp = ok(["--app", "shop", "config:set", "K=V"]);
  assert.deepEqual(withApp.positionals, ["shop", "K=V"]);
  assert.equal(withApp.globals.app, "shop");
  bad(["--app"], "--app needs an app name");
  bad(["--verbose", "apps:list"], `"--verbose" is not a global flag`);
});

Deno.test("spec: removed and not-implemented commands are rejected with the replacement", () => {
  bad(["proxy:ports-set", "app", "http:80:5000"], "use `ports:set`");
  bad(["proxy:ports", "app"], "removed");
  bad(["ps:rebuildall"], "use `ps:rebuild --all`");
  bad(["ps:set-restart-policy", "app", "always"], "removed");
  bad(["scheduler-k3s:cluster-add", "ssh://root@x"], "scheduler-k3s:cluster:add");
  bad(["nginx:build-config", "app"], "proxy:build-config");
  bad(["certs:chain", "app"], "not-implemented");
  bad(["git:unlock", "app"], "broken");
  bad(["rabbitmq:backup", "svc", "bucket"], "not implemented by the rabbitmq plugin");
  bad(["meilisearch:connect", "svc"], "not implemented by the meilisearch plugin");
  ok(["memcached:connect", "svc"]);
});

Deno.test("spec: arity, variadic and orFlag forms", () => {
  ok(["apps:create", "shop-web"]);
  bad(["apps:create"], "apps:create needs 1 argument");
  bad(["apps:create", "a", "b"], "takes at most 1 argument");
  ok(["config:set", "shop", "A=1", "B=2", "C=3"]);
  bad(["config:set", "shop"], "needs 2 arguments");
  ok(["config:set", "--global", "A=1"]);
  ok(["ps:restart", "--all"]);
  ok(["ps:restart", "shop", "web"]);
  bad(["ps:rebuild"], "needs 1 argument");
  ok(["ps:report"]);
  ok(["config:import", "--format", "json", "shop", "-"]);
  ok(["config:import", "shop"]);
  ok(["logs:failed", "--all"]);
  ok(["registry:login", "--password-stdin", "shop", "ghcr.io", "user"]);
  ok(["ps:scale", "shop"]);
  ok(["ps:scale", "--skip-deploy", "shop", "web=2", "worker=1"]);
  bad(["ps:scale", "shop", "web"], "expected <process-type>=<count>");
});

Deno.test("spec: unknown flags: Go exits 2, bash and datastores exit 1", () => {
  bad(["config:set", "shop", "--foo", "K=V"], "unknown flag: --foo", 2);
  bad(["config:set", "shop", "--foo", "K=V"], "is not a flag of config:set", 2);
  bad(["ports:set", "shop", "-x", "http:80:5000"], "unknown shorthand flag: 'x'", 2);
  bad(["git:from-image", "--nope", "shop", "img"], "flag --nope is not a flag of git:from-image");
  bad(["postgres:create", "db", "--nope"], "flag --nope is not a flag of postgres:create");
  // A trailing global flag reaches the Go subcommand, which rejects it.
  bad(["apps:list", "--quiet"], "unknown flag: --quiet", 2);
});

Deno.test("spec: flags take values iff they should", () => {
  const r = ok(["config:export", "--format=json", "shop"]);
  assert.equal(r.flags["--format"], "json");
  bad(["config:export", "shop", "--format"], "flag needs an argument: --format", 2);
  bad(["config:set", "--no-restart=maybe", "shop", "K=V"], "not a boolean", 2);
  ok(["config:set", "--no-restart=true", "shop", "K=V"]);
  bad(["git:sync", "--build=yes", "shop", "repo"], "takes no value");
  bad(["postgres:create", "db", "--image-version"], "needs a value");
});

Deno.test("spec: --no-restart false (datastore README trap) is rejected", () => {
  bad(
    ["postgres:link", "db", "shop", "--no-restart", "false", "--alias", "X"],
    "flag --no-restart takes no value",
  );
  // Go config:set takes `false` as a KEY=VALUE pair and fails.
  bad(["config:set", "shop", "--no-restart", "false"], `expects KEY=VALUE pairs, got "false"`);
  const r = ok(["postgres:link", "db", "shop", "--alias", "x", "--no-restart"]);
  assert.deepEqual(r.flags, { "--alias": "x", "--no-restart": true });
  ok(["postgres:link", "db", "shop", "-a", "X", "-q", "pool=5", "-n"]);
});

Deno.test("spec: datastore flags must follow the positionals", () => {
  bad(["postgres:create", "--image-version", "16", "db"], "must come after the positional");
  const r = ok(["postgres:create", "db", "--image-version", "16", "-m", "512"]);
  assert.deepEqual(r.flags, { "--image-version": "16", "--memory": "512" });
  bad(["redis:link", "--alias", "CACHE", "cache", "shop"], "must come after the positional");
  ok(["postgres:destroy", "db", "--force"]);
  ok(["postgres:destroy", "db", "-f"]);
  assert.deepEqual(ok(["postgres:destroy", "db", "force"]).flags, { "--force": true });
  ok(["redis:info", "cache", "--dsn"]);
  bad(["redis:info", "cache", "--nope"], "not a flag of redis:info");
  ok(["postgres:unlink", "db", "shop", "--no-restart"]);
});

Deno.test("spec: docker-options flags must come before the positionals", () => {
  bad(
    ["docker-options:add", "shop", "deploy", "--process", "web", "-v /a:/b"],
    "must come before the positional arguments",
  );
  const r = ok(["docker-options:add", "--process", "web", "shop", "deploy", "-v /a:/b"]);
  assert.deepEqual(r.positionals, ["shop", "deploy", "-v /a:/b"]);
  // After the positionals, option strings starting with "-" are positionals.
  ok(["docker-options:add", "shop", "build,deploy", "--build-arg", "X"]);
  bad(["docker-options:add", "shop", "boot", "-v /a:/b"], `invalid phase "boot"`);
});

Deno.test("spec: run flags must come before the app", () => {
  const r = ok(["run", "--env", "A=1", "-e", "B=2", "shop", "ls", "--all"]);
  assert.deepEqual(r.flags["--env"], ["A=1", "B=2"]);
  assert.deepEqual(r.positionals, ["shop", "ls", "--all"]);
});

Deno.test("spec: a Go positional starting with '-' needs --", () => {
  bad(["ps:set", "shop", "start-cmd", "-c x"], 'needs "--" before it', 2);
  const r = ok(["ps:set", "shop", "start-cmd", "--", "-c x"]);
  assert.deepEqual(r.positionals, ["shop", "start-cmd", "-c x"]);
});

Deno.test("spec: bash :set commands do not understand --", () => {
  bad(["nginx:set", "shop", "client-max-body-size", "--", "1m"], 'does not understand "--"');
  ok(["nginx:set", "shop", "client-max-body-size", "1m"]);
});

Deno.test("spec: :set property keys", () => {
  bad(["ps:set", "shop", "stop-timeout", "30"], `"stop-timeout" is not a valid property of ps:set`);
  ok(["ps:set", "shop", "stop-timeout-seconds", "30"]);
  bad(["checks:set", "shop", "wait", "5"], `"wait" is not a valid property of checks:set`);
  ok(["checks:set", "shop", "wait-to-retire", "5"]);
  ok(["checks:set", "--global", "wait-to-retire", "5"]);
  bad(["ps:set", "--global", "start-cmd", "x"], "cannot be set with --global");
  ok(["ps:set", "--global", "restart-policy", "always"]);
  bad(["ps:set", "shop", "restart-policy", "sometimes"], 'invalid value "sometimes"');
  ok(["ps:set", "shop", "restart-policy", "on-failure:5"]);
  ok(["ps:set", "shop", "restart-policy"]);
  bad(["builder:set", "shop", "detected", "x"], "read-only");
  bad(["builder:set", "shop", "selected", "docker"], 'invalid value "docker"');
  ok(["builder:set", "shop", "selected", "dockerfile"]);
  bad(["nginx:set", "shop", "proxy-keepalive", "lots"], "expected integer");
  ok(["nginx:set", "--global", "hsts", "false"]);
  bad(["nginx:set", "shop", "--global", "hsts", "false"], "must come first");
  ok(["letsencrypt:set", "--global", "email", "ops@example.com"]);
  ok(["letsencrypt:set", "shop", "dns-provider-CLOUDFLARE_TOKEN", "x"]);
  bad(["network:set", "shop", "attach-post-create", "bridge"], `"bridge" cannot be used`);
  ok(["network:set", "shop", "attach-post-create", "net-a", "net-b"]);
  bad(["network:set", "shop", "bind-all-interfaces", "yes"], "expected true|false");
  ok(["proxy:set", "shop", "nginx"]); // legacy form
  ok(["proxy:set", "shop", "type", "caddy"]);
  bad(["postgres:set", "db", "memory", "1"], "not a valid property of postgres:set");
  ok(["postgres:set", "db", "post-start-network", "net-a"]);
});

Deno.test("spec: flag value enums", () => {
  bad(["config:export", "--format", "yaml", "shop"], `invalid value "yaml" for flag --format`);
  ok(["git:from-archive", "--archive-type", "tar", "shop", "--"]);
  bad(["git:from-archive", "--archive-type", "rar", "shop", "--"], "tar, tar.gz, zip");
  bad(["docker-options:list", "shop"], "requires flag --phase");
  bad(["storage:info", "data", "--format", "yaml"], "expected one of text, json");
  bad(["git:sync", "--build", "--build-if-changes", "shop", "repo"], "cannot be used together");
});

Deno.test("spec: naming rules", () => {
  bad(["apps:create", "Shop_web"], "invalid app name");
  bad(["apps:create", "shop_web"], "invalid app name");
  ok(["apps:create", "shop.web-1"]);
  bad(["config:set", "shop", "my-key=1"], `invalid config key "my-key"`);
  bad(["config:set", "shop", "1KEY=1"], "invalid config key");
  bad(["config:set", "shop", "=1"], "expects KEY=VALUE");
  ok(["config:set", "shop", "_KEY=a=b"]);
  bad(["config:unset", "shop", "a.b"], "invalid config key");
  bad(["postgres:create", "my.db"], "invalid postgres service name");
  ok(["postgres:create", "my_db-1"]);
  bad(["storage:create", "legacy-data"], `must not start with "legacy-"`);
  bad(["storage:create", "Data"], "DNS-1123");
  bad(["storage:create", "a".repeat(46)], "at most 45");
  ok(["storage:create", "a".repeat(45)]);
  assert.equal(storageEntryNameProblem("shop-data"), undefined);
  bad(["storage:mount", "shop", "data"], "needs --container-dir");
  ok(["storage:mount", "shop", "data", "--container-dir", "/data", "--phase", "deploy"]);
  ok(["storage:mount", "shop", "/var/lib/x:/data:ro"]);
  bad(["ports:set", "shop", "80:5000"], "expected scheme:host-port:container-port");
  ok(["ports:remove", "shop", "80", "http:443:5000"]);
});

Deno.test("spec: report info flags", () => {
  const r = ok(["ports:report", "shop", "--ports-map"]);
  assert.deepEqual(r.flags, { "--ports-map": true });
  ok(["ps:report", "shop", "--format", "json"]);
  ok(["nginx:report", "shop", "--nginx-client-max-body-size"]);
  bad(["ps:report", "shop", "--ps-restart-policy", "--running"], "single informational flag");
});

Deno.test("spec: git:from-archive reads the archive from stdin with --", () => {
  const r = ok(["git:from-archive", "--archive-type", "tar", "shop", "--"]);
  assert.deepEqual(r.positionals, ["shop", "--"]);
  ok(["git:from-image", "shop", "nginx:1.27"]);
  ok(["git:sync", "--build-if-changes", "shop", "https://github.com/x/y.git", "main"]);
});

Deno.test("spec: every command's synopsis-free minimal form is judged without throwing", () => {
  // Robustness: no argv shape may throw.
  for (const name of commandNames()) {
    for (const extra of [[], ["x"], ["--", "-"], ["--global"], ["-"], ["x", "y", "z", "w"]]) {
      const r = validateArgv(["dokku", name, ...extra]);
      assert.equal(typeof r.ok, "boolean");
    }
  }
});

Deno.test("spec: bash :set values may start with --, docker-options --process is deploy-only", () => {
  const r = ok(["letsencrypt:set", "shop", "lego-args", "--dns.resolvers=1.1.1.1"]);
  assert.deepEqual(r.positionals, ["shop", "lego-args", "--dns.resolvers=1.1.1.1"]);
  ok(["nginx:set", "--global", "x-forwarded-for-value", "--x"]);
  bad(["nginx:set", "--bogus", "shop", "hsts", "true"], "flag --bogus is not a flag of nginx:set");
  bad(
    ["docker-options:add", "--process", "web", "shop", "build", "--x"],
    "only valid for the deploy",
  );
  ok(["docker-options:remove", "--process", "web", "shop", "deploy", "--x"]);
});

Deno.test("spec: pflag shorthand forms", () => {
  assert.deepEqual(ok(["logs", "shop", "-n10", "-t"]).flags, { "--num": "10", "--tail": true });
  assert.deepEqual(ok(["logs", "-n=5", "shop"]).flags, { "--num": "5" });
  assert.deepEqual(ok(["logs", "-n", "5", "shop"]).flags, { "--num": "5" });
  bad(["logs", "shop", "-z"], "unknown shorthand flag: 'z' in -z", 2);
  bad(["logs", "shop", "-t=maybe"], "not a boolean", 2);
});
