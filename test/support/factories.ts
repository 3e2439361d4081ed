/**
 * Factories insert straight through repositories (setup does not go through the API) and return
 * entities; assertions read values from what they return. Defaults are plausible, overrides explicit.
 */
import type { DataSource } from "typeorm";
import { UserEntity } from "../../src/modules/auth";
import { ListingEntity, ListingSetting } from "../../src/modules/listings";
import { CqcRating, ProviderEntity, ProviderKind } from "../../src/modules/providers";
import { RateType, Unit } from "../../src/modules/reference";
import { Role } from "../../src/shared/auth";
import { newId } from "../../src/shared/ids";

export const MERTON = "E09000024";
export const LEICESTERSHIRE = "E10000018";

let sequence = 0;
const next = () => ++sequence;

export async function aUser(db: DataSource, overrides: Partial<UserEntity> = {}): Promise<UserEntity> {
  const n = next();
  const email = overrides.email ?? `user${n}@example.org`;
  const user = db.getRepository(UserEntity).create({
    id: newId(),
    email,
    displayName: `User ${n}`,
    subject: email,
    roles: [Role.CLIENT],
    providerId: null,
    fundingBodyCode: null,
    createdAt: new Date(),
    ...overrides,
  });
  await db.getRepository(UserEntity).insert(user);
  return user;
}

export const anAdmin = (db: DataSource) => aUser(db, { roles: [Role.ADMIN] });
export const aCommissioner = (db: DataSource, fundingBodyCode = MERTON) => aUser(db, { roles: [Role.COMMISSIONER], fundingBodyCode });

export async function aProvider(db: DataSource, overrides: Partial<ProviderEntity> = {}): Promise<ProviderEntity> {
  const n = next();
  const provider = db.getRepository(ProviderEntity).create({
    id: newId(),
    name: `Provider ${n}`,
    kind: ProviderKind.HOME_CARE_AGENCY,
    description: "",
    cqcLocationId: `1-${String(100000000 + n)}`,
    cqcRating: CqcRating.GOOD,
    serviceAreas: [MERTON],
    postcodeDistricts: ["SW19"],
    verified: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
  await db.getRepository(ProviderEntity).insert(provider);
  return provider;
}

/** A user who works for a provider (a new one unless given). */
export async function aProviderMember(db: DataSource, provider?: ProviderEntity): Promise<{ user: UserEntity; provider: ProviderEntity }> {
  const owner = provider ?? (await aProvider(db));
  const user = await aUser(db, { roles: [Role.PROVIDER], providerId: owner.id });
  return { user, provider: owner };
}

export async function aListing(db: DataSource, provider: ProviderEntity, overrides: Partial<ListingEntity> = {}): Promise<ListingEntity> {
  const n = next();
  const listing = db.getRepository(ListingEntity).create({
    id: newId(),
    providerId: provider.id,
    categoryCode: "PERSONAL_CARE",
    title: `Home care ${n}`,
    description: "Help with washing, dressing and meals.",
    unit: Unit.HOUR,
    visitMinutes: null,
    rateType: RateType.STANDARD,
    pricePence: 2400,
    setting: ListingSetting.HOME,
    groupCapacity: 1,
    active: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
  await db.getRepository(ListingEntity).insert(listing);
  return listing;
}
