/**
 * ReplicaReader.queryWith: planner settings for one statement (the efficiency report turns merge
 * joins off). They hold for that statement alone, in a read-only transaction of its own, and the
 * connection goes back to the pool as it came, whether the statement succeeds or fails.
 */
import { QueryFailedError } from "typeorm";
import { primaryReader } from "../../src/shared/db";
import { useApi } from "../support/api";

const SETTING = "SELECT current_setting('enable_mergejoin') AS value";

describe("planner settings for one statement", () => {
  const api = useApi();

  /** The setting on every connection of the pool at once (20 in tests), so none can hide. */
  async function settingsAcrossThePool(): Promise<string[]> {
    const reader = primaryReader(api.db);
    const rows = await Promise.all(Array.from({ length: 20 }, () => reader.query<{ value: string }>(`${SETTING}, pg_sleep(0.02)`, [])));
    return [...new Set(rows.map(([row]) => row.value))];
  }

  it("hold for the statement, and the pool's connections keep their own", async () => {
    const reader = primaryReader(api.db);
    for (let i = 0; i < 5; i++) expect(await reader.queryWith({ enable_mergejoin: "off" }, SETTING, [])).toEqual([{ value: "off" }]);
    expect(await settingsAcrossThePool()).toEqual(["on"]);
  });

  it("are rolled back with a statement that fails, and a read-only transaction refuses writes", async () => {
    const reader = primaryReader(api.db);
    await expect(reader.queryWith({ enable_mergejoin: "off" }, "SELECT 1 / $1::int", [0])).rejects.toBeInstanceOf(QueryFailedError);
    await expect(reader.queryWith({ enable_mergejoin: "off" }, "CREATE TABLE planner_settings_probe (id int)", [])).rejects.toThrow(/read-only transaction/);
    expect(await settingsAcrossThePool()).toEqual(["on"]);
    expect(await api.db.query("SELECT to_regclass('planner_settings_probe') AS t")).toEqual([{ t: null }]);
  });

  it("are the code's own: a name or value of another form is refused before anything is sent", async () => {
    const reader = primaryReader(api.db);
    const { statements } = await api.sql.during(async () => {
      await expect(reader.queryWith({ "enable_mergejoin = off; DROP TABLE users; --": "off" }, SETTING, [])).rejects.toThrow(/Not a planner setting/);
      await expect(reader.queryWith({ enable_mergejoin: "off; DROP TABLE users" }, SETTING, [])).rejects.toThrow(/Not a planner setting's value/);
    });
    expect(statements).toEqual([]);
  });
});
