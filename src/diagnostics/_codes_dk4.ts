/** Diagnostic codes DK4xxx: Dokku mapping. Keep codes stable once released; add, never renumber. */
import type { CodeTable } from "./_registry.ts";

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk4(): CodeTable {
  return {
    // Generic classification (the mapping table in src/stack/_mapping.ts).
    DK4001: {
      severity: "warning",
      message: "'{key}' of service '{service}' has no Dokku equivalent and is ignored",
      hint: "{reason}",
    },
    DK4003: {
      severity: "warning",
      message: "'{key}' of service '{service}' is not a known compose key and is ignored",
      hint: "Check the spelling; dokompose classifies every key of the compose specification",
    },
    DK4004: {
      severity: "warning",
      message:
        "'{key}' of datastore service '{service}' is managed by the '{plugin}' plugin and is ignored",
      hint: "{reason}",
    },
    // Images and datastores.
    DK4010: {
      severity: "warning",
      message:
        "Image '{image}' of datastore service '{service}' is pinned by digest, but the '{plugin}' plugin only accepts a tag",
      hint: "The digest is dropped; pin a tag such as '{plugin}:16' to choose the version",
    },
    DK4011: {
      severity: "warning",
      message:
        "Environment variable '{variable}' of datastore service '{service}' has no '{plugin}' plugin equivalent and is ignored",
      hint: "{reason}",
    },
    DK4012: {
      severity: "error",
      message: "Invalid image reference '{image}' in service '{service}': {reason}",
      hint: "Expected [registry/]repository[:tag][@sha256:digest], e.g. 'postgres:16-alpine'",
    },
    DK4013: {
      severity: "error",
      message: "Unknown datastore plugin '{plugin}' in 'x-dokku.datastore' of service '{service}'",
      hint: "Expected one of {expected}",
    },
    DK4014: {
      severity: "warning",
      message:
        "Image '{image}' of service '{service}' is not the official '{plugin}' image; the plugin will run it with '--image {repository}'",
      hint:
        "The plugin configures the container like the official image; check that '{repository}' accepts that, or use the official image",
    },
    DK4015: {
      severity: "error",
      message: "Datastore service '{service}' has no image",
      hint:
        "Datastore plugins run an image; set 'image', or mark the service 'x-dokku: {app: true}'",
    },
    // Names.
    DK4020: {
      severity: "error",
      message: "Services '{first}' and '{second}' both become the Dokku {kind} '{name}'",
      hint: "Rename one of the services; Dokku names are lower case with '-' instead of '_'",
    },
    DK4021: {
      severity: "error",
      message:
        "Environment variable '{variable}' of service '{service}' is not a valid Dokku config key",
      hint: "Config keys must match '^[a-zA-Z_][a-zA-Z0-9_]*$'; rename it, e.g. to '{suggestion}'",
    },
    DK4022: {
      severity: "error",
      message: "'{first}' and '{second}' both become the Dokku {kind} '{name}'",
      hint: "Rename one of them",
    },
    DK4023: {
      severity: "error",
      message: "Project name '{project}' gives no valid Dokku names",
      hint: "Choose a project name with letters or digits (-p or the top-level 'name:')",
    },
    // Ports.
    DK4030: {
      severity: "warning",
      message:
        "Port '{port}' of service '{service}' is {protocol}, but Dokku's proxy forwards http and grpc only; it is not published",
      hint:
        "Publish it yourself with 'proxy:disable' and 'docker-options:add <app> deploy \"-p {port}\"', or set 'x-dokku.ports'",
    },
    DK4031: {
      severity: "warning",
      message: "Port '{port}' of service '{service}' cannot be published as written: {reason}",
      hint: "Use a single host port such as '8080:80', or set 'x-dokku.ports'",
    },
    DK4032: {
      severity: "warning",
      message:
        "Port mapping '{mapping}' of service '{service}' is given twice; the first one is kept",
      hint: "Dokku refuses duplicate scheme:host-port pairs; remove the duplicate",
    },
    // Volumes.
    DK4040: {
      severity: "warning",
      message:
        "Bind mount '{path}' of service '{service}' is outside Dokku's storage directory '/var/lib/dokku/data/storage'",
      hint:
        "The path must exist on the Dokku host and the app can reach everything under it; prefer a named volume",
    },
    DK4041: {
      severity: "warning",
      message:
        "Bind mount '{path}' of service '{service}' becomes the empty Dokku storage entry '{name}'; the local files are not copied",
      hint: "Copy the files to the Dokku host yourself, or bake them into the image",
    },
    DK4042: {
      severity: "warning",
      message: "{what} at '{target}' of service '{service}' is not kept on Dokku",
      hint: "{reason}",
    },
    // Security lints.
    DK4050: {
      severity: "warning",
      message:
        "Service '{service}' asks to run privileged, which would give it root on the Dokku host; it is not passed to Dokku",
      hint:
        "Remove 'privileged: true'; if the service really needs it, add it yourself with 'docker-options:add <app> deploy --privileged'",
    },
    DK4051: {
      severity: "warning",
      message:
        "Service '{service}' asks for the extra Linux capabilities {caps}; they are not passed to Dokku",
      hint:
        "Extra capabilities weaken isolation on the Dokku host; if needed, add them yourself with 'docker-options:add <app> deploy --cap-add=...'",
    },
    DK4052: {
      severity: "warning",
      message:
        "Service '{service}' asks for the host network ('network_mode: host'); it is not applied on Dokku",
      hint:
        "The host network bypasses the proxy and exposes every port of the host; publish ports instead",
    },
    DK4053: {
      severity: "warning",
      message:
        "Service '{service}' asks to share the host's process namespace ('pid: host'); it is not applied on Dokku",
      hint:
        "It would let the app see and signal every process of the Dokku host; remove 'pid: host'",
    },
    DK4054: {
      severity: "warning",
      message:
        "Service '{service}' asks to share the host's IPC namespace ('ipc: host'); it is not applied on Dokku",
      hint: "It would expose the host's shared memory to the app; remove 'ipc: host'",
    },
    DK4055: {
      severity: "warning",
      message:
        "Service '{service}' mounts the Docker socket '{path}', which gives it root on the Dokku host",
      hint: "Remove the mount unless the service must control Docker",
    },
    // Apps.
    DK4060: {
      severity: "warning",
      message:
        "Healthcheck of service '{service}' is not applied: Dokku reads healthchecks from app.json inside the image",
      hint:
        "Add an app.json with 'healthchecks' to the image's WORKDIR, or build the service from source so dokompose can write one",
    },
    DK4061: {
      severity: "warning",
      message: "Healthcheck of service '{service}' is only partly supported: {what}",
      hint: "{reason}",
    },
    DK4062: {
      severity: "warning",
      message:
        "'entrypoint' of service '{service}' cannot be set on Dokku; the image's entrypoint is used",
      hint: "Set the ENTRYPOINT in the Dockerfile, or move the arguments into 'command'",
    },
    DK4063: {
      severity: "warning",
      message:
        "Dependency of service '{service}' on '{target}' waits for '{condition}' in compose; on Dokku it only orders setup",
      hint: "Dokku starts '{target}' first but does not wait until it is healthy or finished",
    },
    DK4064: {
      severity: "warning",
      message:
        "Build argument '{variable}' of service '{service}' differs from its environment value; the environment value is used",
      hint:
        "Dokku passes config vars as build arguments, so one value serves both; make them equal",
    },
    DK4065: {
      severity: "warning",
      message: "'network_mode: {mode}' of service '{service}' cannot be expressed on Dokku",
      hint:
        "The app joins its own networks instead; services it shared a namespace with are reached by name",
    },
    DK4066: {
      severity: "warning",
      message: "Build of service '{service}' is only partly supported: {what}",
      hint: "{reason}",
    },
    DK4067: {
      severity: "warning",
      message: "'{key}' of service '{service}' is not used on Dokku: {what}",
      hint: "{reason}",
    },
    DK4068: {
      severity: "warning",
      message: "'{key}' of {kind} '{name}' is not used on Dokku",
      hint: "{reason}",
    },
    DK4069: {
      severity: "warning",
      message:
        "'{key}' of service '{service}' points at datastore '{datastore}' with credentials of its own",
      hint:
        "The {plugin} plugin chooses the user and password; read the link variable '{variable}' instead",
    },
    // x-dokku.
    DK4070: {
      severity: "error",
      message: "Service '{service}' enables 'x-dokku.letsencrypt' but has no domains",
      hint: "Add at least one domain to 'x-dokku.domains'",
    },
    DK4071: {
      severity: "error",
      message: "Invalid 'x-dokku.{key}' in service '{service}': {reason}",
      hint: "{expected}",
    },
    DK4072: {
      severity: "warning",
      message: "Unknown key 'x-dokku.{key}' in service '{service}' is ignored",
      hint: "Known keys: {known}",
    },
    DK4073: {
      severity: "error",
      message: "Service '{service}' enables 'x-dokku.letsencrypt' but publishes no http port",
      hint: "Let's Encrypt needs an http or https port mapping; publish one in 'ports'",
    },
    // Secrets.
    DK4080: {
      severity: "warning",
      message:
        "Secret '{secret}' of service '{service}' becomes the config var '{variable}': Dokku has no secret files",
      hint:
        "Read the value from the environment variable '{variable}' instead of the file '{target}'",
    },
    DK4081: {
      severity: "error",
      message:
        "Secret '{secret}' of service '{service}' and environment variable '{variable}' collide",
      hint: "Name the config var with 'x-dokku.secret-env', e.g. '{{secret}: OTHER_NAME}'",
    },
    // Lowering (src/compiler/, DK48xx).
    DK4800: {
      severity: "warning",
      message:
        "Create flag '{flag}' of datastore '{datastore}' takes the secret '{secret}', which must not appear on a command line; it is omitted",
      hint:
        "The '{plugin}' plugin generates the value; apps receive it through the link URL, or set it later on the Dokku host",
    },
    DK4801: {
      severity: "error",
      message:
        "Build context '{context}' of service '{service}' cannot be reached from the Dokkufile's directory '{dir}'",
      hint: "Write the Dokkufile inside the project directory",
    },
    DK4802: {
      severity: "warning",
      message:
        "Healthcheck of service '{service}' needs an app.json in its git repository '{repository}'; dokompose cannot add files to a git sync",
      hint:
        "Commit an app.json with the 'healthchecks' shown in the note of step '{step}' of the Dokkufile (skip this if the repository already has one)",
    },
    DK4803: {
      severity: "error",
      message:
        "Internal error: the generated Dokkufile fails its own check ({code} at '{path}': {finding}); nothing was written",
      hint:
        "This is a bug in dokompose, not in your compose file; please report it with the compose file",
    },
  };
}
