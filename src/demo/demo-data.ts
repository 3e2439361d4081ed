/**
 * Demo data for `npm start` on an empty database: the catalogue (Merton, E09000024, as the
 * demo funding body) and one user of every role, so a newcomer can search and sign in at once
 * (`npm run token -- provider@example.org`).
 */
import type { DataSource, EntityManager, ObjectLiteral } from "typeorm";
import { UserEntity } from "../modules/auth";
import { ListingEntity } from "../modules/listings";
import { ProviderEntity } from "../modules/providers";
import { Role } from "../shared/auth";
import { newId } from "../shared/ids";
import { generateCatalogue, MERTON, type Catalogue } from "./catalogue";

export const DEMO_USERS: { email: string; displayName: string; roles: Role[] }[] = [
  { email: "admin@example.org", displayName: "Ada Admin", roles: [Role.ADMIN] },
  { email: "commissioner@example.org", displayName: "Chris Commissioner", roles: [Role.COMMISSIONER] },
  { email: "broker@example.org", displayName: "Bola Broker", roles: [Role.BROKER] },
  { email: "client@example.org", displayName: "Carol Client", roles: [Role.CLIENT] },
  { email: "provider@example.org", displayName: "Pat Provider", roles: [Role.PROVIDER] },
];

/** Loads the demo data if the database has no users yet; true if it did. */
export async function loadDemoData(db: DataSource): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Two servers starting together on one empty database must not both load it.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('marketplace:demo-data'))");
    if ((await tx.count(UserEntity)) > 0) return false;
    const catalogue = generateCatalogue();
    await insertCatalogue(tx, catalogue);
    await insertChunks(tx, UserEntity, demoUsers(catalogue));
    return true;
  });
}

export async function insertCatalogue(tx: EntityManager, { providers, listings }: Catalogue): Promise<void> {
  await insertChunks(tx, ProviderEntity, providers);
  await insertChunks(tx, ListingEntity, listings);
}

function demoUsers(catalogue: Catalogue): UserEntity[] {
  const agency = catalogue.providers[0];
  return DEMO_USERS.map((user) =>
    Object.assign(new UserEntity(), {
      id: newId(),
      ...user,
      subject: user.email,
      providerId: user.roles.includes(Role.PROVIDER) ? agency.id : null,
      fundingBodyCode: user.roles.some((r) => r === Role.COMMISSIONER || r === Role.BROKER) ? MERTON : null,
      createdAt: new Date(),
    }),
  );
}

async function insertChunks<T extends ObjectLiteral>(tx: EntityManager, entity: new () => T, rows: T[], size = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    await tx.createQueryBuilder().insert().into(entity).values(rows.slice(i, i + size)).updateEntity(false).execute();
  }
}
