/**
 * Diagnostic codes DK20xx (project, files, names), DK23xx (canonical forms), DK24xx (extends),
 * DK25xx (include) and DK26xx (consistency of the loaded model). DK21xx/DK22xx live in
 * `_codes_dk2_env.ts`. Keep codes stable once released; add, never renumber.
 */
import type { CodeTable } from "./_registry.ts";

/** The table, built when the registry is first used (not when the module loads). */
export function codesDk2(): CodeTable {
  return {
    // --- project ---------------------------------------------------------------------------------
    DK2001: {
      severity: "warning",
      message: 'The top-level "version" is obsolete and ignored',
      hint: "Remove it; compose files follow the compose specification whatever the version says",
    },
    DK2002: {
      severity: "error",
      message:
        'Invalid project name "{name}": it must contain only lowercase letters, digits, "_" ' +
        'and "-", and start with a letter or digit',
      hint: "Use {suggestion}",
    },
    DK2003: {
      severity: "error",
      message: 'Cannot derive a project name from "{from}"',
      hint: "Give one with -p NAME or a top-level name: key",
    },
    DK2004: {
      severity: "error",
      message: 'Env file "{file}" not found',
      hint: "Create it, or mark it optional with {path: {file}, required: false}",
    },
    DK2005: {
      severity: "error",
      message: "This is not a compose file: {reason}",
      hint: "Give a compose file (compose.yaml) with a top-level services: mapping",
    },
    // --- canonical forms -------------------------------------------------------------------------
    DK2301: {
      severity: "error",
      message: 'Invalid port "{value}": {reason}',
      hint:
        'Write "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]" with protocol tcp, udp or sctp',
    },
    DK2302: {
      severity: "error",
      message: 'Invalid volume "{value}": {reason}',
      hint: 'Write "[SOURCE:]TARGET[:OPTIONS]"',
    },
    DK2303: {
      severity: "error",
      message: 'Environment variable "{key}" is declared with a trailing space',
      hint: 'Remove the space before "="',
    },
    DK2304: {
      severity: "error",
      message: 'Mount target "{target}" is used twice (first by entry {first})',
      hint: "Each mount of a service needs its own target path",
    },
    DK2305: {
      severity: "error",
      message: "Build sets both dockerfile and dockerfile_inline",
      hint: "Keep only one of them",
    },
    DK2306: {
      severity: "error",
      message: '{kind} "{name}" has conflicting names "{a}" (name) and "{b}" (external.name)',
      hint: "Keep only name: and write external: true",
    },
    DK2307: {
      severity: "error",
      message: 'Invalid extra host "{value}": {reason}',
      hint: 'Write "HOST=IP" or "HOST:IP", such as "host.docker.internal=host-gateway"',
    },
    DK2308: {
      severity: "error",
      message: 'Invalid device "{value}": {reason}',
      hint: 'Write "SOURCE[:TARGET[:PERMISSIONS]]", or the long syntax {source: ..., target: ...}',
    },
    // --- extends ---------------------------------------------------------------------------------
    DK2401: {
      severity: "error",
      message: "Circular reference in extends: {chain}",
      hint: "Break the chain: a service cannot extend itself, directly or indirectly",
    },
    DK2402: {
      severity: "error",
      message: 'Cannot extend service "{service}": service "{base}" not found in {file}',
    },
    // --- include ---------------------------------------------------------------------------------
    DK2501: {
      severity: "error",
      message: "Include cycle detected: {chain}",
      hint: "A file cannot include itself, directly or indirectly",
    },
    DK2502: {
      severity: "warning",
      message:
        '{section} "{name}" is defined here and in included file {file}; the local definition is merged over it',
      hint: "Rename one of them, or remove the local definition",
    },
    // --- consistency -----------------------------------------------------------------------------
    DK2601: {
      severity: "error",
      message: 'Service "{service}" has neither an image nor a build context specified',
      hint: "Add image: NAME or build: DIR",
    },
    DK2602: {
      severity: "error",
      message: 'Service "{service}" sets network_mode and networks, which are mutually exclusive',
      hint: "Remove one of them",
    },
    DK2603: {
      severity: "error",
      message: 'Service "{service}" refers to undefined network "{name}"',
      hint: "Declare it under the top-level networks: key",
    },
    DK2604: {
      severity: "error",
      message: 'Service "{service}" refers to undefined volume "{name}"',
      hint: 'Declare it under the top-level volumes: key, or write "./{name}" for a bind mount',
    },
    DK2605: {
      severity: "error",
      message: 'Service "{service}" refers to undefined secret "{name}"',
      hint: "Declare it under the top-level secrets: key",
    },
    DK2606: {
      severity: "error",
      message: 'Service "{service}" refers to undefined config "{name}"',
      hint: "Declare it under the top-level configs: key",
    },
    DK2607: {
      severity: "error",
      message: 'Service "{service}" depends on {state} service "{name}"',
      hint: "Define it, or fix the name",
    },
    DK2608: {
      severity: "error",
      message: "Dependency cycle detected: {cycle}",
      hint: "Services cannot depend on each other in a loop; remove one depends_on entry",
    },
    DK2609: {
      severity: "error",
      message:
        'Healthcheck test of service "{service}" must start with CMD, CMD-SHELL or NONE, found "{found}"',
      hint: 'Write ["CMD", ...], ["CMD-SHELL", "..."] or a plain string',
    },
    DK2610: {
      severity: "error",
      message:
        'Service "{service}" sets scale ({scale}) and deploy.replicas ({replicas}) to different values',
      hint: "Keep only one of them",
    },
    DK2611: {
      severity: "error",
      message: 'Service "{service}" sets container_name but runs {replicas} replicas',
      hint: "A container name is unique; remove container_name or run one replica",
    },
    DK2612: {
      severity: "error",
      message: 'Conflicting parameters "external" and "{attribute}" specified for {kind} "{name}"',
      hint: "An external resource is created elsewhere; remove {attribute}",
    },
    DK2613: {
      severity: "error",
      message: '{kind} "{name}" must set exactly one of {choices}',
    },
    DK2614: {
      severity: "error",
      message: 'Service "{service}" sets {a} ({x}) and {b} ({y}) to different values',
      hint: "Keep only one of them",
    },
    DK2615: {
      severity: "error",
      message:
        'Service "{service}" uses {key} "service:{name}", but service "{name}" is not defined',
    },
    DK2616: {
      severity: "warning",
      message:
        'Service "{service}" has an optional dependency on undefined service "{name}"; it is ignored',
    },
    DK2617: {
      severity: "error",
      message: 'Invalid port: invalid ip address "{ip}"',
      hint: "Write an IPv4 or IPv6 address, such as 127.0.0.1 or ::1",
    },
  };
}
