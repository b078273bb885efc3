/**
 * Explanations for dokku failures whose output we recognise, for the run's failure report. Only
 * traps `../shared/dokku/SEMANTICS.md` documents, matched by command and output. Pure.
 */
import { linkVariable } from "../dokku/mod.ts";

/** The variable of the link alias a `<ds>:link` argv asks for (`--alias X` or `-a X`). */
function aliasVariable(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length - 1; i++) {
    if (argv[i] === "--alias" || argv[i] === "-a") return linkVariable(argv[i + 1] as string);
  }
  return undefined;
}

/**
 * A hint for a failed command (`argv` as run, `dokku` first), or undefined when its output is not
 * one we can explain.
 */
export function failureHint(argv: readonly string[], output: string): string | undefined {
  const command = argv[1] ?? "";
  if (/^[a-z]+:link$/.test(command) && /already in use/i.test(output)) {
    const variable = aliasVariable(argv) ?? "the link's variable";
    const app = argv[3] ?? "the app";
    return `Dokku refuses a link when ${variable} appears anywhere in the app's config, even ` +
      `inside another name or a value (READ_DATABASE_URL contains DATABASE_URL). Find it with ` +
      `'dokku config:show ${app}', then rename or unset that entry, or unlink the datastore ` +
      `that set it and run again with --force-step for that link step: dokompose links the ` +
      `shorter name first`;
  }
  return undefined;
}
