/**
 * Lowering of one app: the steps from `apps:create` to `letsencrypt:enable`, in Dokku's
 * recommended order (SEMANTICS.md "Recommended Dokkufile order"). Every setting uses its
 * no-restart / skip-deploy form and there is exactly one deploy step, so an app restarts once.
 */
import type { ArchiveFile, Command, SecretRef, Step } from "../dokkufile/types.ts";
import type { StackApp, StackLink } from "../stack/model.ts";
import { dokku, dokkuWith, guard, step } from "./_steps.ts";
import { maskUrlPasswords } from "./_text.ts";
import { linkVariable } from "../dokku/mod.ts";

/** What the app lowering needs to know about the rest of the stack. */
export interface AppContext {
  /** The app's step-id prefix (from its compose service name). */
  readonly prefix: string;
  /** Links of this app (sorted by datastore), each with its datastore's id prefix and ready step. */
  readonly links: readonly {
    readonly link: StackLink;
    readonly prefix: string;
    readonly readyId: string;
  }[];
  /** Storage entry name -> the setup step that creates it (absent for external entries). */
  readonly storageSteps: ReadonlyMap<string, string>;
  /** Network name -> the setup step that creates it (absent for external networks). */
  readonly networkSteps: ReadonlyMap<string, string>;
  /** Steps the deploy waits for: deploy steps of apps and ready steps of datastores it depends on. */
  readonly dependencyNeeds: readonly string[];
  /** The build context relative to the Dokkufile's directory (build apps), or undefined. */
  readonly archiveContext?: string;
}

/** Where the generated app.json goes in a build archive (`app-json:set <app> appjson-path`). */
export const APP_JSON_PATH = ".dokompose/app.json";

/** JSON with object keys sorted at every level: the text never depends on construction order. */
function sortedJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  // Sorted: a Stack read from JSON keeps that file's key order, a built one its code order.
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(record[k])}`).join(",")}}`;
}

/**
 * The app.json Dokku reads the app's healthchecks from: `{"healthchecks": {"<process>": [...]}}`,
 * exactly the Stack's checks, keys sorted, one line. Undefined when the app has none.
 */
export function appJsonText(app: StackApp): string | undefined {
  if (app.healthchecks === undefined || app.healthchecks.length === 0) return undefined;
  const healthchecks: Record<string, unknown> = {};
  // defineProperty: a process type named "__proto__" stays data.
  Object.defineProperty(healthchecks, app.process ?? "web", {
    value: app.healthchecks,
    enumerable: true,
  });
  return sortedJson({ healthchecks });
}

/** Variables whose values cannot travel safely as one argv word over ssh (xargs splitting). */
const NEEDS_ENCODING = /[\r\n]/;

function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** True when `inner` appears inside `outer`: Dokku's link check is a substring grep. */
function within(inner: string, outer: string): boolean {
  return inner !== outer && outer.includes(inner);
}

/**
 * The links of one app in an order a real Dokku accepts. `<ds>:link --alias X` fails when `X_URL`
 * already appears anywhere in the app's config (a substring grep, SEMANTICS.md section 6), so a
 * link whose variable is inside another link's variable (`DATABASE_URL` in `READ_DATABASE_URL`)
 * must be made first. Otherwise the given order (by datastore) is kept.
 */
export function orderLinks<T extends { readonly link: StackLink }>(links: readonly T[]): T[] {
  const rest = [...links];
  const out: T[] = [];
  while (rest.length > 0) {
    const variable = (t: T) => linkVariable(t.link.alias);
    const ready = rest.findIndex((t) => !rest.some((o) => within(variable(o), variable(t))));
    // -1 cannot happen (the shortest variable is always ready); take the first to be safe.
    out.push(...rest.splice(Math.max(ready, 0), 1));
  }
  return out;
}

/** A `ps:set` value that starts with `-` would be read as a flag by the Go command: end flags first. */
function psValue(value: string): string[] {
  return value.startsWith("-") ? ["--", value] : [value];
}

export function lowerApp(app: StackApp, ctx: AppContext): Step[] {
  const { prefix } = ctx;
  const name = app.name;
  const lock = `app:${name}`;
  const createId = `${prefix}/create`;
  const steps: Step[] = [];
  const settings: string[] = [];
  /** Adds a settings step: the deploy waits for every one of them (their checksums chain in). */
  const add = (s: Step) => {
    steps.push(s);
    settings.push(s.id);
  };

  steps.push(step({
    id: createId,
    lock,
    guard: guard(["apps:exists", name], { present: [0], missing: [20] }),
    run: [dokku("apps:create", name)],
    undo: [dokku("apps:destroy", name, "--force")],
    source: [app.source],
    notes: ["rolling back this step destroys the app, with everything the later steps set"],
  }));

  /** The app's link steps: every step written after them needs them (see below). */
  const linkIds: string[] = [];
  const deploy = app.deploy;
  if (deploy.kind === "build") {
    const run: Command[] = [dokku("builder:set", name, "selected", "dockerfile")];
    const undo: Command[] = [dokku("builder:set", name, "selected")];
    if (deploy.git !== undefined && deploy.context !== "." && deploy.context !== "") {
      run.push(dokku("builder:set", name, "build-dir", deploy.context));
      undo.push(dokku("builder:set", name, "build-dir"));
    }
    if (deploy.dockerfile !== undefined && deploy.dockerfile !== "Dockerfile") {
      run.push(dokku("builder-dockerfile:set", name, "dockerfile-path", deploy.dockerfile));
      undo.push(dokku("builder-dockerfile:set", name, "dockerfile-path"));
    }
    // docker-options:add appends duplicates on 0.38; removing the same option first makes the
    // pair idempotent. Build args carry no value: Dokku exports the app's config while building.
    const options = [...deploy.args].sort().map((arg) => `--build-arg ${arg}`);
    if (deploy.target !== undefined) options.push(`--target ${deploy.target}`);
    for (const option of options) {
      run.push(dokku("docker-options:remove", name, "build", option));
      run.push(dokku("docker-options:add", name, "build", option));
      undo.push(dokku("docker-options:remove", name, "build", option));
    }
    add(step({
      id: `${prefix}/builder`,
      lock,
      needs: [createId],
      run,
      undo,
      source: [deploy.source],
    }));
  }

  if (!app.proxy) {
    add(step({
      id: `${prefix}/proxy`,
      lock,
      needs: [createId],
      run: [dokku("proxy:disable", name)],
      undo: [dokku("proxy:enable", name)],
      source: [app.source],
      notes: ["no published port: the proxy is disabled before the first deploy"],
    }));
  }

  // The links: locked by their datastore (two apps linking one datastore never overlap), so
  // they are ordered against every other step of the app by needs instead: each link needs the
  // app's steps written before it and the previous link, and every later step needs the links.
  const before = [...settings];
  let previous: string | undefined;
  for (const { link, prefix: dsPrefix, readyId } of orderLinks(ctx.links)) {
    const id = `${prefix}/links/${dsPrefix}`;
    linkIds.push(id);
    add(step({
      id,
      lock: `datastore:${link.plugin}:${link.datastore}`,
      needs: [createId, readyId, ...before, previous],
      guard: guard([`${link.plugin}:linked`, link.datastore, name], { present: [0], missing: [1] }),
      // --no-restart is a bare boolean for the plugin's getopts: it must come last.
      run: [
        dokku(`${link.plugin}:link`, link.datastore, name, "--alias", link.alias, "--no-restart"),
      ],
      undo: [dokku(`${link.plugin}:unlink`, link.datastore, name, "--no-restart")],
      source: [link.source],
      notes: [
        link.replaces === undefined
          ? `${linkVariable(link.alias)}: set by ${link.plugin}:link ${link.datastore}`
          : `${link.replaces.key}: ${
            maskUrlPasswords(link.replaces.from)
          } -> provided by ${link.plugin}:link ${link.datastore} (alias ${link.alias})`,
      ],
    }));
    previous = id;
  }

  if (app.config.length > 0) {
    const plain: string[] = [];
    const encoded: string[] = [];
    const notes: string[] = [];
    // The Stack keeps config sorted by key; sort again so the command never depends on it.
    const config = [...app.config].sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    for (const v of config) {
      if (NEEDS_ENCODING.test(v.value)) {
        encoded.push(`${v.key}=${encodeBase64(v.value)}`);
        notes.push(`${v.key}: base64-encoded (the value spans several lines)`);
      } else {
        plain.push(`${v.key}=${v.value}`);
      }
      if (v.rewrite !== undefined) {
        notes.push(
          `${v.key}: ${maskUrlPasswords(v.rewrite.from)} -> ${
            maskUrlPasswords(v.value)
          } (${v.rewrite.reason})`,
        );
      }
    }
    const run: Command[] = [];
    if (plain.length > 0) run.push(dokku("config:set", "--no-restart", name, ...plain));
    if (encoded.length > 0) {
      run.push(dokku("config:set", "--encoded", "--no-restart", name, ...encoded));
    }
    add(step({
      id: `${prefix}/config`,
      lock,
      needs: [createId, ...linkIds],
      run,
      undo: [dokku("config:unset", "--no-restart", name, ...config.map((v) => v.key))],
      source: config.map((v) => v.source),
      notes: notes.sort(),
    }));
  }

  if (app.secretConfig.length > 0) {
    const secrets: SecretRef[] = [...app.secretConfig]
      .sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
      .map((s) => ({ key: s.key, secret: s.secret }));
    add(step({
      id: `${prefix}/secrets`,
      lock,
      needs: [createId, ...linkIds],
      run: [dokkuWith(["config:import", "--no-restart", "--format", "json", name, "-"], {
        stdin: { kind: "secrets-json", secrets },
      })],
      undo: [dokku("config:unset", "--no-restart", name, ...secrets.map((s) => s.key))],
      source: app.secretConfig.map((s) => s.source),
      notes: secrets.map((s) => `${s.key}: from secret ${s.secret} (sent on stdin, never in argv)`),
    }));
  }

  if (app.ports.length > 0) {
    add(step({
      id: `${prefix}/ports`,
      lock,
      needs: [createId, ...linkIds],
      run: [
        dokku("ports:set", name, ...app.ports.map((p) => `${p.scheme}:${p.host}:${p.container}`)),
      ],
      undo: [dokku("ports:clear", name)],
      source: app.ports.map((p) => p.source),
    }));
  }

  if (app.mounts.length > 0) {
    const mounts = [...app.mounts].sort((a, b) =>
      a.containerDir < b.containerDir ? -1 : a.containerDir > b.containerDir ? 1 : 0
    );
    const run: Command[] = [];
    const undo: Command[] = [];
    for (const m of mounts) {
      const args = ["storage:mount", name, m.storage, "--container-dir", m.containerDir];
      if (m.readOnly) args.push("--volume-readonly");
      if (m.subpath !== undefined) args.push("--volume-subpath", m.subpath);
      run.push(dokku(...args));
      undo.unshift(dokku("storage:unmount", name, m.storage, "--container-dir", m.containerDir));
    }
    add(step({
      id: `${prefix}/storage`,
      lock,
      needs: [createId, ...linkIds, ...mounts.map((m) => ctx.storageSteps.get(m.storage))],
      run,
      undo,
      source: mounts.map((m) => m.source),
    }));
  }

  if (app.networks.length > 0) {
    const networks = [...app.networks].sort();
    add(step({
      id: `${prefix}/network`,
      lock,
      needs: [createId, ...linkIds, ...networks.map((n) => ctx.networkSteps.get(n))],
      run: [dokku("network:set", name, "attach-post-deploy", ...networks)],
      undo: [dokku("network:set", name, "attach-post-deploy")],
      source: [app.source],
    }));
  }

  const { limit, reserve } = app.resources;
  if (limit.cpu !== undefined || limit.memory !== undefined || reserve.memory !== undefined) {
    const run: Command[] = [];
    const undo: Command[] = [];
    if (limit.cpu !== undefined || limit.memory !== undefined) {
      const flags: string[] = [];
      if (limit.cpu !== undefined) flags.push("--cpu", limit.cpu);
      if (limit.memory !== undefined) flags.push("--memory", limit.memory);
      run.push(dokku("resource:limit", ...flags, name));
      undo.push(dokku("resource:limit-clear", name));
    }
    if (reserve.memory !== undefined) {
      run.push(dokku("resource:reserve", "--memory", reserve.memory, name));
      undo.push(dokku("resource:reserve-clear", name));
    }
    add(
      step({
        id: `${prefix}/resources`,
        lock,
        needs: [createId, ...linkIds],
        run,
        undo,
        source: [app.source],
      }),
    );
  }

  if (app.restartPolicy !== undefined || app.startCommand !== undefined) {
    const run: Command[] = [];
    const undo: Command[] = [];
    if (app.restartPolicy !== undefined) {
      run.push(dokku("ps:set", name, "restart-policy", ...psValue(app.restartPolicy)));
      undo.push(dokku("ps:set", name, "restart-policy"));
    }
    if (app.startCommand !== undefined) {
      run.push(dokku("ps:set", name, "dockerfile-start-cmd", ...psValue(app.startCommand)));
      undo.push(dokku("ps:set", name, "dockerfile-start-cmd"));
    }
    add(
      step({
        id: `${prefix}/ps`,
        lock,
        needs: [createId, ...linkIds],
        run,
        undo,
        source: [app.source],
      }),
    );
  }

  // Sorted: the Stack's record order follows compose, and integer-like keys would come first.
  const processes = Object.keys(app.processes).sort();
  if (processes.length > 0) {
    add(step({
      id: `${prefix}/scale`,
      lock,
      needs: [createId, ...linkIds],
      run: [dokku(
        "ps:scale",
        "--skip-deploy",
        name,
        ...processes.map((p) => `${p}=${app.processes[p]}`),
      )],
      source: [app.source],
      notes: [
        "no UNDO: the previous scale is not known; the deploy starts these counts",
        ...processes.filter((p) => p !== "web").map((p) =>
          `process type '${p}' (x-dokku.process): the image or build context must ship a Procfile with a '${p}:' entry; without one Dokku runs only 'web'`
        ),
      ],
    }));
  }

  // Healthchecks of an archive deploy: Dokku reads app.json from the archive at `appjson-path`,
  // so the runtime adds the generated file to the archive (see the deploy step below).
  const appJson = appJsonText(app);
  const archiveFiles: ArchiveFile[] = [];
  if (appJson !== undefined && deploy.kind === "build" && deploy.git === undefined) {
    archiveFiles.push({ path: APP_JSON_PATH, content: appJson });
    add(step({
      id: `${prefix}/app-json`,
      lock,
      needs: [createId, ...linkIds],
      run: [dokku("app-json:set", name, "appjson-path", APP_JSON_PATH)],
      undo: [dokku("app-json:set", name, "appjson-path")],
      source: [app.healthcheckSource ?? app.source],
      notes: [
        `healthchecks: Dokku reads them from ${APP_JSON_PATH}, which dokompose adds to the build archive (see the deploy step)`,
      ],
    }));
  }

  if (app.domains.length > 0) {
    add(step({
      id: `${prefix}/domains`,
      lock,
      needs: [createId, ...linkIds],
      run: [dokku("domains:set", name, ...[...app.domains].sort())],
      undo: [dokku("domains:clear", name)],
      source: [app.source],
    }));
  }

  const deployId = `${prefix}/deploy`;
  const deployNotes = ["no UNDO: rolling back the app's create step destroys the deployed app"];
  if (appJson !== undefined && archiveFiles.length === 0) {
    deployNotes.push(
      deploy.kind === "image"
        ? `healthchecks not applied: an image deploy reads app.json from the image's WORKDIR; bake in ${appJson}`
        : `healthchecks need an app.json in the git repository (Dokku's appjson-path, default app.json): ${appJson}`,
    );
  }
  let deployCommand: Command;
  if (deploy.kind === "image") {
    deployCommand = dokkuWith(["git:from-image", name, deploy.image], {
      accept: [{
        exit: 1,
        output: "No changes detected",
        as: "unchanged",
        then: ["dokku", "ps:rebuild", name],
      }],
    });
  } else if (deploy.git !== undefined) {
    // --build, not --build-if-changes: this step only reruns when its checksum changed (settings
    // upstream changed), and then the app must be rebuilt even when the ref did not move.
    const args = ["git:sync", "--build", name, deploy.git.repository];
    if (deploy.git.ref !== undefined) args.push(deploy.git.ref);
    deployCommand = dokku(...args);
  } else {
    deployCommand = dokkuWith(["git:from-archive", "--archive-type", "tar", name, "--"], {
      stdin: {
        kind: "archive",
        context: ctx.archiveContext ?? deploy.context,
        ...(archiveFiles.length === 0 ? {} : { files: archiveFiles }),
      },
      accept: [{
        exit: 1,
        output: "No changes detected",
        as: "unchanged",
        then: ["dokku", "ps:rebuild", name],
      }],
    });
  }
  steps.push(step({
    id: deployId,
    lock,
    needs: [createId, ...settings, ...ctx.dependencyNeeds],
    run: [deployCommand],
    source: [deploy.source],
    notes: deployNotes,
    verify: {
      app: name,
      processes: Object.fromEntries(processes.map((p) => [p, app.processes[p] ?? 0])),
    },
  }));

  if (app.letsencrypt && app.domains.length > 0) {
    steps.push(step({
      id: `${prefix}/letsencrypt`,
      lock,
      needs: [deployId, `${prefix}/domains`],
      run: [dokku("letsencrypt:enable", name)],
      undo: [dokku("letsencrypt:disable", name)],
      source: [app.source],
    }));
  }
  return steps;
}
