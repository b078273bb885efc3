import assert from "node:assert/strict";
import { captureFor } from "../src/runtime/mod.ts";

const ok = (stdout: string) => ({ code: 0, stdout, stderr: "" });
const c = (...argv: string[]) => ({ argv: ["dokku", ...argv] });

Deno.test("capture: <plugin>:set reads <plugin>:report --<plugin>-<key> and sets the old value back", () => {
  const cap = captureFor(c("network:set", "web", "attach-post-deploy", "a", "b"))!;
  assert.deepEqual(cap.read, ["dokku", "network:report", "web", "--network-attach-post-deploy"]);
  assert.deepEqual(cap.restore(ok("old1 old2\n")), [
    { argv: ["dokku", "network:set", "web", "attach-post-deploy", "old1", "old2"] },
  ]);
  // An unset key is cleared by setting it with no value.
  assert.deepEqual(cap.restore(ok("\n")), [
    { argv: ["dokku", "network:set", "web", "attach-post-deploy"] },
  ]);
  const bd = captureFor(c("builder-dockerfile:set", "web", "dockerfile-path", "x/Dockerfile"))!;
  assert.deepEqual(bd.read, [
    "dokku",
    "builder-dockerfile:report",
    "web",
    "--builder-dockerfile-dockerfile-path",
  ]);
});

Deno.test("capture: --global, datastore :set, creates and deploys are not captured", () => {
  assert.equal(captureFor(c("nginx:set", "--global", "hsts", "true")), undefined);
  assert.equal(captureFor(c("postgres:set", "db", "post-start-network", "n")), undefined);
  assert.equal(captureFor(c("apps:create", "web")), undefined);
  assert.equal(captureFor(c("git:from-image", "web", "nginx:1")), undefined);
  assert.equal(captureFor(c("postgres:link", "db", "web")), undefined);
});

Deno.test("capture: domains and proxy", () => {
  const d = captureFor(c("domains:set", "web", "a.example.com"))!;
  assert.deepEqual(d.read, ["dokku", "domains:report", "web", "--domains-app-vhosts"]);
  assert.deepEqual(d.restore(ok("x.example.com y.example.com\n")), [
    { argv: ["dokku", "domains:set", "web", "x.example.com", "y.example.com"] },
  ]);
  assert.deepEqual(d.restore(ok("")), [{ argv: ["dokku", "domains:clear", "web"] }]);
  const p = captureFor(c("proxy:disable", "web"))!;
  assert.deepEqual(p.read, ["dokku", "proxy:report", "web", "--proxy-enabled"]);
  assert.deepEqual(p.restore(ok("true\n")), [{ argv: ["dokku", "proxy:enable", "web"] }]);
  assert.deepEqual(p.restore(ok("false\n")), [{ argv: ["dokku", "proxy:disable", "web"] }]);
  assert.equal(p.restore(ok("maybe")), undefined);
});

Deno.test("capture: config restores old values on stdin and unsets new keys", () => {
  const cap = captureFor(c("config:set", "--no-restart", "--encoded", "web", "A=1", "NEW=2"))!;
  assert.deepEqual(cap.read, ["dokku", "config:export", "--format", "json", "web"]);
  assert.deepEqual(cap.restore(ok(JSON.stringify({ A: "old\nvalue", B: "keep" }))), [
    {
      argv: ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
      stdin: JSON.stringify({ A: "old\nvalue" }),
    },
    { argv: ["dokku", "config:unset", "--no-restart", "web", "NEW"] },
  ]);
  assert.equal(cap.restore(ok("not json")), undefined);
  const imp = captureFor({
    argv: ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
    stdin: { kind: "secrets-json", secrets: [{ key: "TOKEN", secret: "t" }] },
  })!;
  assert.deepEqual(imp.restore(ok("{}")), [
    { argv: ["dokku", "config:unset", "--no-restart", "web", "TOKEN"] },
  ]);
  const replace = captureFor(c("config:import", "--replace", "--format", "json", "web", "-"))!;
  assert.deepEqual(replace.restore(ok('{"Z":"1","A":"2"}')), [
    { argv: ["dokku", "config:clear", "--no-restart", "web"] },
    {
      argv: ["dokku", "config:import", "--no-restart", "--format", "json", "web", "-"],
      stdin: JSON.stringify({ A: "2", Z: "1" }),
    },
  ]);
});

Deno.test("capture: ports", () => {
  const cap = captureFor(c("ports:set", "web", "http:80:5000"))!;
  assert.deepEqual(cap.read, ["dokku", "ports:report", "web", "--ports-map"]);
  assert.deepEqual(cap.restore(ok("http:8080:80 https:443:80\n")), [
    { argv: ["dokku", "ports:set", "web", "http:8080:80", "https:443:80"] },
  ]);
  assert.deepEqual(cap.restore(ok("\n")), [{ argv: ["dokku", "ports:clear", "web"] }]);
});

Deno.test("capture: every read and restore command is valid Dokku (commands.json)", async () => {
  const { validateArgv } = await import("./support/dokku_spec.ts");
  const commands = [
    c("config:set", "--no-restart", "web", "A=1"),
    c("config:unset", "--no-restart", "web", "A"),
    c("config:import", "--replace", "--format", "json", "web", "-"),
    c("ports:set", "web", "http:80:5000"),
    c("domains:set", "web", "a.example.com"),
    c("proxy:disable", "web"),
    c("proxy:enable", "web"),
    c("ps:set", "web", "restart-policy", "always"),
    c("nginx:set", "web", "client-max-body-size", "10m"),
    c("network:set", "web", "attach-post-deploy", "n1"),
    c("builder:set", "web", "build-dir", "app"),
    c("builder-dockerfile:set", "web", "dockerfile-path", "Dockerfile.prod"),
    c("ps:scale", "--skip-deploy", "web", "web=1", "worker=2"),
  ];
  // What each report prints when set (and "" when not).
  const sample = (read: readonly string[], argv: readonly string[]) =>
    read[1] === "ports:report"
      ? "http:80:5000"
      : read[1] === "domains:report"
      ? "a.example.com"
      : read[1] === "proxy:report"
      ? "true"
      : read[1] === "config:export"
      ? '{"A":"1"}'
      : read[1] === "ps:scale"
      ? "-----> Scaling for web\nproctype: qty\n--------: ---\nweb: 2\n"
      : argv.slice(4).join(" ");
  for (const command of commands) {
    const cap = captureFor(command)!;
    const outputs = ["", sample(cap.read, command.argv)];
    const read = validateArgv(cap.read);
    assert.ok(read.ok, `${cap.read.join(" ")}: ${read.ok ? "" : read.reason}`);
    for (const out of outputs) {
      for (const r of cap.restore(ok(out)) ?? []) {
        const v = validateArgv(r.argv);
        assert.ok(v.ok, `${r.argv.join(" ")}: ${v.ok ? "" : v.reason}`);
      }
    }
  }
});

Deno.test("capture: ps:scale reads the scale table and puts the old counts back", () => {
  const cap = captureFor(c("ps:scale", "--skip-deploy", "web", "web=1", "worker=2"))!;
  assert.deepEqual(cap.read, ["dokku", "ps:scale", "web"]);
  assert.deepEqual(
    cap.restore(ok("-----> Scaling for web\nproctype: qty\n--------: ---\nweb: 3\n")),
    [{ argv: ["dokku", "ps:scale", "--skip-deploy", "web", "web=3", "worker=0"] }],
  );
  assert.equal(captureFor(c("ps:scale", "web")), undefined);
});
