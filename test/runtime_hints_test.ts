/**
 * Failure hints: a failed `<ds>:link` whose variable is already in the app's config (Dokku's
 * substring check, SEMANTICS.md section 6) is explained in the run's failure report; the
 * variable a link sets (src/dokku/mod.ts) is the one the Dokku double sets.
 */
import assert from "node:assert/strict";
import { failureHint } from "../src/runtime/mod.ts";
import { linkVariable } from "../src/dokku/mod.ts";
import { createDouble } from "./support/double.ts";
import { runCli } from "./support/cli.ts";

Deno.test("failureHint: a link refused because its variable is in use", () => {
  const hint = failureHint(
    ["dokku", "postgres:link", "shop-db", "shop-web", "--alias", "database", "--no-restart"],
    " !     Specified alias DATABASE already in use\n",
  );
  assert.match(hint ?? "", /DATABASE_URL appears anywhere in the app's config/);
  assert.match(hint ?? "", /'dokku config:show shop-web'/);
  // Other failures of the same command, and other commands, get no hint.
  assert.equal(
    failureHint(["dokku", "postgres:link", "a", "b"], " !     Already linked as DATABASE_URL"),
    undefined,
  );
  assert.equal(
    failureHint(["dokku", "config:set", "a", "K=already in use"], "already in use"),
    undefined,
  );
});

Deno.test("a run adding a link whose variable is inside an existing config entry explains why it failed", async () => {
  const double = await createDouble();
  const dir = await Deno.makeTempDir();
  try {
    // The app exists already, with an entry whose name contains DATABASE_URL.
    for (
      const args of [["apps:create", "shop-web"], [
        "config:set",
        "--no-restart",
        "shop-web",
        "READ_DATABASE_URL=postgres://replica/app",
      ]]
    ) {
      const r = await double.run(args);
      assert.equal(r.code, 0, r.stderr);
    }
    await Deno.writeTextFile(
      `${dir}/compose.yaml`,
      [
        "name: shop",
        "services:",
        "  web:",
        "    image: nginx:1.27",
        "    depends_on: [db]",
        "    environment:",
        "      DATABASE_URL: postgres://postgres:pw@db:5432/app",
        "  db:",
        "    image: postgres:16",
        "",
      ].join("\n"),
    );
    const compiled = await runCli([
      "compile",
      "-f",
      `${dir}/compose.yaml`,
      "-o",
      `${dir}/Dokkufile`,
    ]);
    assert.equal(compiled.code, 0, compiled.stderr);
    const env = { ...double.env, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
    const run = await runCli(
      ["run", `${dir}/Dokkufile`, "--dokku", double.path, "--state", `${dir}/state.json`],
      { env, cwd: dir },
    );
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /DK5006.*postgres:link shop-db shop-web --alias DATABASE/s);
    assert.match(run.stderr, /hint: Dokku refuses a link when DATABASE_URL appears anywhere/);
    assert.match(run.stderr, /The steps applied in this run were rolled back/);
  } finally {
    await double.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("linkVariable names the variable the Dokku double's <ds>:link sets for an alias", async () => {
  await using double = await createDouble();
  const aliases = ["db", "database_url", "Read-Db", "cache_URL_url"];
  for (
    const args of [["apps:create", "web"], ...aliases.map((_, i) => ["postgres:create", `pg${i}`])]
  ) {
    assert.equal((await double.run(args)).code, 0, args.join(" "));
  }
  for (const [i, alias] of aliases.entries()) {
    const linked = await double.run([
      "postgres:link",
      `pg${i}`,
      "web",
      "--alias",
      alias,
      "--no-restart",
    ]);
    assert.equal(linked.code, 0, linked.stderr);
  }
  const config = (await double.state()).apps["web"]?.config ?? {};
  assert.deepEqual(
    aliases.map(linkVariable),
    ["DB_URL", "DATABASE_URL", "READ-DB_URL", "CACHE_URL_URL"],
  );
  for (const alias of aliases) {
    assert.ok(Object.hasOwn(config, linkVariable(alias)), `${alias}: ${Object.keys(config)}`);
  }
});
