/**
 * The runtime: run a Dokkufile on a Dokku host, safely and incrementally.
 *
 * Pure planning ({@linkcode planRun}: Dokkufile + state -> a decision and reason per step), an
 * executor ({@linkcode executePlan}: a parallel DAG walk with locks, guards, accept rules,
 * capture, verification and rollback) and an injected {@linkcode CommandRunner}
 * ({@linkcode createRunner}: local spawn or ssh). State ({@linkcode StateFile}) is versioned,
 * written atomically after every step and guarded by a lock file.
 *
 * @module
 */
export type { CommandRunner, RunRequest, RunResult } from "./runner.ts";
export {
  type ArchiveSpec,
  canonicalJson,
  type ChecksumInputs,
  ownChecksum,
  secretHash,
  sha256,
  sha256Async,
  stepArchives,
  stepArchiveSpecs,
  stepSecrets,
} from "./_checksum.ts";
export {
  type Plan,
  type PlannedStep,
  type PlanOptions,
  planRun,
  type PlanSummary,
  type Reason,
  reasonCounts,
  summarizePlan,
  undeliverableCommands,
} from "./_plan.ts";
export {
  defaultStatePath,
  emptyState,
  type LoadedState,
  parseState,
  type RunState,
  sanitizeFilePart,
  serializeState,
  STATE_VERSION,
  type StepRecord,
} from "./_state.ts";
export {
  parseStamp,
  peekProject,
  type RunStamp,
  runStampValue,
  serializeStamp,
  type StampInputs,
} from "./_stamp.ts";
export { type LockHolder, type LockResult, StateFile, writeFileAtomic } from "./_state_file.ts";
export {
  type ExecuteOptions,
  executePlan,
  type RunFailure,
  type RunReport,
  type StepResult,
  type VerifyOptions,
} from "./_executor.ts";
export { type Capture, captureFor, type RestoreCommand } from "./_capture.ts";
export {
  type DotenvResult,
  makeRedactor,
  maskUrlPasswords,
  parseDotenv,
  type Redactor,
  type ResolvedSecrets,
  resolveSecrets,
  secretEnvNames,
  secretsJson,
} from "./_secrets.ts";
export {
  addGeneratedFiles,
  archiveKey,
  buildTar,
  dockerignoreMatcher,
  type GeneratedFile,
  readContext,
  type TarEntry,
} from "./_archive.ts";
export { failureHint } from "./_hints.ts";
export { LocalRunner, type LocalRunnerOptions } from "./_local.ts";
export { createRunner, type RunnerOptions, type RunnerResult } from "./_runners.ts";
export {
  type CommandPhase,
  EVENT_VERSION,
  eventJson,
  type RunEvent,
  type ServiceStatus,
} from "./_events.ts";
export {
  JsonProgress,
  planSummaryLine,
  type ProgressOptions,
  renderPlanJson,
  renderPlanText,
  renderRunSummary,
  type RunSummary,
  showArgv,
  summaryLine,
  TextProgress,
} from "./_progress.ts";
