/** A representative Dokkufile value for the format's golden tests: every directive and option. */
import type { Dokkufile } from "../../src/dokkufile/mod.ts";

const CHECKSUM = "sha256:" + "3f".repeat(32);

/** Stages, guards, accepts with THEN, stdin secrets and archive, verify, notes, warnings. */
export const SAMPLE: Dokkufile = {
  format: "dokkufile/v1",
  project: "shop",
  inputChecksum: CHECKSUM,
  dokkuVersion: "0.38.0",
  secrets: ["db_password", "stripe_key"],
  warnings: [
    {
      code: "DK4012",
      message: "Healthcheck 'interval' is not supported by Dokku checks; it was dropped",
      file: "compose.yaml",
      line: 21,
      key: "services.web.healthcheck.interval",
    },
    { code: "DK4001", message: "dropped" },
  ],
  stages: [
    {
      name: "infra",
      needs: [],
      steps: [
        {
          id: "network/shop_front",
          lock: "network:shop_front",
          needs: [],
          guard: {
            argv: ["dokku", "network:exists", "shop_front"],
            presentExit: [0],
            missingExit: [1],
          },
          run: [{ argv: ["dokku", "network:create", "shop_front"] }],
          undo: [{ argv: ["dokku", "network:destroy", "--force", "shop_front"] }],
          source: [{ file: "compose.yaml", line: 40, key: "networks.front" }],
          notes: [],
        },
        {
          id: "db/create",
          lock: "datastore:postgres:shop-db",
          needs: [],
          guard: {
            argv: ["dokku", "postgres:exists", "shop-db"],
            presentExit: [0],
            missingExit: [1],
          },
          run: [{
            argv: ["dokku", "postgres:create", "shop-db", "--image-version", "16.4"],
          }],
          undo: [{ argv: ["dokku", "postgres:destroy", "shop-db", "--force"] }],
          source: [
            { file: "compose.yaml", line: 30, key: "services.db" },
            { file: "compose.yaml", line: 31, key: "services.db.image" },
          ],
          notes: [],
        },
      ],
    },
    {
      name: "apps",
      needs: ["infra"],
      steps: [
        {
          id: "web/create",
          lock: "app:shop-web",
          needs: [],
          guard: {
            argv: ["dokku", "apps:exists", "shop-web"],
            presentExit: [0],
            missingExit: [20],
          },
          run: [{ argv: ["dokku", "apps:create", "shop-web"] }],
          undo: [{ argv: ["dokku", "apps:destroy", "shop-web", "--force"] }],
          source: [{ file: "compose.yaml", line: 3, key: "services.web" }],
          notes: [],
        },
        {
          id: "web/config",
          lock: "app:shop-web",
          needs: ["web/create", "db/create"],
          run: [
            {
              argv: [
                "dokku",
                "config:set",
                "--no-restart",
                "shop-web",
                "GREETING=héllo wörld ✓",
                "MOTD=line one\nline two\ttabbed",
                'QUOTE=say "hi" $HOME `id` \\ done',
                "EMPTY=",
                "",
              ],
            },
            {
              argv: ["dokku", "config:import", "--format", "json", "shop-web", "-"],
              stdin: {
                kind: "secrets-json",
                secrets: [
                  { key: "DB_PASSWORD", secret: "db_password" },
                  { key: "STRIPE_KEY", secret: "stripe_key" },
                ],
              },
            },
          ],
          undo: [],
          source: [
            { file: "compose.yaml", line: 8, key: "services.web.environment" },
            { file: "compose.override.yaml", line: 2, key: "services.web.environment.MOTD" },
          ],
          notes: [
            "DATABASE_URL rewritten: postgres://app@db:5432/shop -> the postgres link",
            "  leading spaces and a\nnewline",
          ],
        },
        {
          id: "web/deploy",
          lock: "app:shop-web",
          needs: ["web/config"],
          run: [
            {
              argv: ["dokku", "git:from-image", "shop-web", "nginx:1.27@sha256:" + "ab".repeat(32)],
              accept: [{
                exit: 1,
                output: "No changes detected",
                as: "unchanged",
                then: ["dokku", "ps:rebuild", "shop-web"],
              }],
            },
            {
              argv: ["dokku", "ps:scale", "shop-web", "web=2", "worker=1"],
            },
          ],
          undo: [],
          source: [{ file: "compose.yaml", line: 4, key: "services.web.image" }],
          notes: [],
          verify: { app: "shop-web", processes: { worker: 1, web: 2 } },
        },
        {
          id: "api/deploy",
          lock: "app:shop-api",
          needs: [],
          run: [{
            argv: ["dokku", "git:from-archive", "--archive-type", "tar", "shop-api", "--"],
            stdin: { kind: "archive", context: "services/api" },
            accept: [{ exit: 1, output: "No changes detected", as: "unchanged" }],
          }],
          undo: [],
          source: [{ file: "compose.yaml", line: 12, key: "services.api.build" }],
          notes: [],
          verify: { app: "shop-api", processes: { web: 1 } },
        },
      ],
    },
  ],
};
