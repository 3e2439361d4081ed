import { checkUserRequest } from "../../src/modules/auth/user.rules";
import { ListingSetting } from "../../src/modules/listings";
import { checkListingTerms, checkRegulation } from "../../src/modules/listings/listing.rules";
import { CqcRating, ProviderKind } from "../../src/modules/providers";
import { checkProviderDetails, isPostcodeDistrict } from "../../src/modules/providers/provider.rules";
import { Unit } from "../../src/modules/reference";
import { Role, type Viewer } from "../../src/shared/auth";

const codesAndFields = (errors: { code: string; field?: (string | number)[] }[]) => errors.map((e) => [e.code, e.field]);

describe("provider details", () => {
  const valid = {
    name: "Wimbledon Home Care",
    kind: ProviderKind.HOME_CARE_AGENCY,
    cqcLocationId: "1-101672419",
    cqcRating: CqcRating.GOOD,
    postcodeDistricts: ["SW19", "CR4", "W1A"],
  };

  it("accepts a registered agency", () => {
    expect(checkProviderDetails(valid)).toEqual([]);
  });

  it("names each bad field", () => {
    const errors = checkProviderDetails({ ...valid, name: " ", cqcLocationId: "CQC123", postcodeDistricts: ["SW19", "SW19 1AA", "12"] });
    expect(codesAndFields(errors)).toEqual([
      ["INVALID_VALUE", ["name"]],
      ["INVALID_VALUE", ["cqcLocationId"]],
      ["INVALID_VALUE", ["postcodeDistricts", 1]],
      ["INVALID_VALUE", ["postcodeDistricts", 2]],
    ]);
  });

  it("refuses a CQC rating without a CQC location", () => {
    expect(codesAndFields(checkProviderDetails({ ...valid, cqcLocationId: null }))).toEqual([["INVALID_VALUE", ["cqcRating"]]]);
  });

  it.each(["SW19", "CR4", "EC1A", "M1", "B33"])("knows %s is a postcode district", (d) => expect(isPostcodeDistrict(d)).toBe(true));
  it.each(["sw19", "SW19 1AA", "19SW", "", "ABC1"])("knows %s is not", (d) => expect(isPostcodeDistrict(d)).toBe(false));
});

describe("listing terms", () => {
  const valid = {
    title: "Home care",
    unit: Unit.HOUR,
    visitMinutes: null,
    pricePence: 2400,
    setting: ListingSetting.HOME,
    groupCapacity: 1,
    availableFrom: "08:00",
    availableTo: "20:00",
  };

  it("accepts an hourly price", () => {
    expect(checkListingTerms(valid)).toEqual([]);
  });

  it("takes a weekly capacity by the one units rule: hundredths, what numeric(8,2) stores", () => {
    expect(checkListingTerms({ ...valid, weeklyCapacityUnits: 37.5 })).toEqual([]);
    expect(codesAndFields(checkListingTerms({ ...valid, weeklyCapacityUnits: 37.125 }))).toEqual([["INVALID_VALUE", ["weeklyCapacityUnits"]]]);
  });

  it("needs the length of a VISIT, since reference rates differ by length", () => {
    expect(codesAndFields(checkListingTerms({ ...valid, unit: Unit.VISIT }))).toEqual([["INVALID_VALUE", ["visitMinutes"]]]);
    expect(checkListingTerms({ ...valid, unit: Unit.VISIT, visitMinutes: 45 })).toEqual([]);
  });

  it("refuses prices that are not whole positive pence within £1m", () => {
    for (const pricePence of [0, -100, 12.5, 100_000_001]) {
      expect(codesAndFields(checkListingTerms({ ...valid, pricePence }))).toEqual([["INVALID_VALUE", ["pricePence"]]]);
    }
  });

  it("needs available hours that end after they start", () => {
    expect(codesAndFields(checkListingTerms({ ...valid, availableFrom: "20:00", availableTo: "08:00" }))).toEqual([["INVALID_VALUE", ["availableTo"]]]);
  });

  it("keeps group sessions out of people's own homes", () => {
    expect(codesAndFields(checkListingTerms({ ...valid, groupCapacity: 6 }))).toEqual([["INVALID_VALUE", ["groupCapacity"]]]);
    expect(checkListingTerms({ ...valid, groupCapacity: 6, setting: ListingSetting.CARE_HOME })).toEqual([]);
  });

  it("needs a CQC registration, active in the register, for regulated categories only", () => {
    const personalCare = { regulated: true, name: "Personal care at home" };
    expect(codesAndFields(checkRegulation(personalCare, { cqcLocationId: null }, false))).toEqual([["CQC_REGISTRATION_REQUIRED", ["categoryCode"]]]);
    expect(checkRegulation(personalCare, { cqcLocationId: "1-101672419" }, true)).toEqual([]);
    expect(codesAndFields(checkRegulation(personalCare, { cqcLocationId: "1-101672419" }, false))).toEqual([["CQC_REGISTRATION_REQUIRED", ["categoryCode"]]]);
    expect(checkRegulation({ regulated: false, name: "Gardening" }, { cqcLocationId: null }, false)).toEqual([]);
  });
});

describe("who creates which users", () => {
  const viewer = (roles: Role[], fundingBodyCode: string | null = null): Viewer => ({
    userId: "u",
    roles: new Set(roles),
    providerId: null,
    fundingBodyCode,
    clientId: null,
  });
  const request = { roles: [Role.BROKER], providerId: null, fundingBodyCode: null, clientId: null };

  it("puts a commissioner's new users in the commissioner's funding body", () => {
    const { request: checked, errors } = checkUserRequest(viewer([Role.COMMISSIONER], "E09000024"), request);
    expect(errors).toEqual([]);
    expect(checked.fundingBodyCode).toBe("E09000024");
  });

  it("lets a commissioner create only clients and brokers, of their own funding body", () => {
    const commissioner = viewer([Role.COMMISSIONER], "E09000024");
    const { errors } = checkUserRequest(commissioner, { roles: [Role.ADMIN, Role.CLIENT], providerId: null, fundingBodyCode: "E10000018", clientId: "c" });
    expect(codesAndFields(errors)).toEqual([
      ["NOT_PERMITTED", ["roles"]],
      ["NOT_PERMITTED", ["fundingBodyCode"]],
    ]);
    const otherClient = checkUserRequest(commissioner, { ...request, roles: [Role.CLIENT], clientId: "c", clientFundingBodyCode: "E10000018" });
    expect(codesAndFields(otherClient.errors)).toEqual([["NOT_FOUND", ["clientId"]]]);
  });

  it("links providers, clients and commissioners to what they work for", () => {
    const admin = viewer([Role.ADMIN]);
    const none = { providerId: null, fundingBodyCode: null, clientId: null };
    expect(codesAndFields(checkUserRequest(admin, { ...none, roles: [Role.PROVIDER] }).errors)).toEqual([["INVALID_VALUE", ["providerId"]]]);
    expect(codesAndFields(checkUserRequest(admin, { ...none, roles: [Role.CLIENT], providerId: "p", clientId: "c" }).errors)).toEqual([
      ["INVALID_VALUE", ["providerId"]],
    ]);
    expect(codesAndFields(checkUserRequest(admin, { ...none, roles: [Role.CLIENT] }).errors)).toEqual([["INVALID_VALUE", ["clientId"]]]);
    expect(codesAndFields(checkUserRequest(admin, { ...none, roles: [Role.COMMISSIONER] }).errors)).toEqual([["INVALID_VALUE", ["fundingBodyCode"]]]);
  });
});
