/**
 * `npm run token -- <email> [hours]`: prints a bearer token for a local user, signed with
 * JWT_SECRET (the development default when unset), living 12 hours or JWT_MAX_AGE if shorter.
 * `npm run token -- --new <email> [hours]`: a token for a newcomer, as an identity provider would issue
 * it (subject `new:<email>`, with `email` and `name`): signed in with no roles, they may registerProvider.
 * Uses DATABASE_URL, or the embedded database.
 */
import "reflect-metadata";
import { loadConfig } from "../src/config";
import { TokenService } from "../src/modules/auth";
import { withDatabase } from "./with-database";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const newcomer = args[0] === "--new";
  const [email, hours] = newcomer ? args.slice(1) : args;
  if (!email) throw new Error("Usage: npm run token -- [--new] <email> [hours]");
  const config = loadConfig();
  const lifetimeSeconds = hours === undefined ? Math.min(12 * 3600, config.jwt.maxAgeSeconds) : Number(hours) * 3600;
  if (newcomer) {
    console.log(await new TokenService(config.jwt).issue(`new:${email.toLowerCase()}`, lifetimeSeconds, { email, name: email.split("@")[0] }));
    return;
  }
  const user = await withDatabase(config, async (db) => {
    const { rows } = await db.query<{ subject: string }>("SELECT subject FROM users WHERE email = lower($1)", [email]);
    return rows[0];
  });
  if (!user) throw new Error(`No user has email ${email}. Demo users: admin@, commissioner@, broker@, client@, provider@example.org.`);
  const token = await new TokenService(config.jwt).issue(user.subject, lifetimeSeconds);
  console.log(token);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
