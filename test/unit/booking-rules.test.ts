import { ApprovalReason, BookingStatus, PayeeRelationship } from "../../src/modules/bookings";
import { ApprovalDecision } from "../../src/modules/bookings";
import {
  approvalNeedsNote,
  assessBooking,
  closerRelationship,
  confirmation,
  initialStatus,
  targetStatus,
  TRANSITIONS,
  type BookingFacts,
} from "../../src/modules/bookings/booking.rules";
import { BudgetManagement } from "../../src/modules/budgets";
import { ListingSetting } from "../../src/modules/listings";
import { BudgetKind, CategoryPurpose } from "../../src/modules/reference";

const visit = (day: string, hours = 1) => ({ startsAt: new Date(`${day}T09:00:00Z`), endsAt: new Date(`${day}T${String(9 + hours).padStart(2, "0")}:00:00Z`) });

const facts = (overrides: Partial<BookingFacts> = {}): BookingFacts => ({
  budget: {
    kind: BudgetKind.PERSONAL_BUDGET,
    management: BudgetManagement.DIRECT_PAYMENT,
    periodStart: "2026-04-01",
    periodEnd: "2027-03-31",
    coveredCategories: ["PA_SUPPORT", "GARDENING", "RESIDENTIAL_CARE", "SOCIAL_LEISURE"],
  },
  category: {
    code: "PA_SUPPORT",
    name: "Personal assistant support",
    purpose: CategoryPurpose.LIFE_SUSTAINING,
    regulated: false,
    allowedFor: [BudgetKind.PERSONAL_BUDGET, BudgetKind.PERSONAL_HEALTH_BUDGET],
  },
  provider: { cqcLocationId: null },
  listing: { setting: ListingSetting.HOME },
  visits: [visit("2026-05-04")],
  payeeRelationship: PayeeRelationship.NONE,
  totalCostPence: 1500,
  lifeImprovingThresholdPence: 50_000,
  ...overrides,
});

const codes = (f: BookingFacts) => assessBooking(f).refusals.map((r) => r.code);

describe("what a budget may buy", () => {
  it("lets a plain booking through", () => {
    expect(assessBooking(facts())).toEqual({ refusals: [], approvalReasons: [] });
  });

  it("refuses a category outside the support plan, citing Care Act 2014 s.33(3)", () => {
    const [refusal] = assessBooking(facts({ category: { ...facts().category, code: "DOMESTIC", name: "Cleaning and household help" } })).refusals;
    expect(refusal.code).toBe("OUTSIDE_SUPPORT_PLAN");
    expect(refusal.message).toContain("Care Act 2014 s.33(3)");
  });

  it("refuses what a personal health budget may not buy, citing the 2013 regulations", () => {
    const budget = { ...facts().budget, kind: BudgetKind.PERSONAL_HEALTH_BUDGET };
    const category = {
      code: "SOCIAL_LEISURE",
      name: "Social and leisure",
      purpose: CategoryPurpose.LIFE_IMPROVING,
      regulated: false,
      allowedFor: [BudgetKind.PERSONAL_BUDGET],
    };
    const [refusal] = assessBooking(facts({ budget, category, totalCostPence: 100 })).refusals;
    expect(refusal).toMatchObject({ code: "NOT_ALLOWED_FOR_BUDGET_KIND" });
    expect(refusal.message).toContain("National Health Service (Direct Payments) Regulations 2013");
  });

  it("refuses a regulated activity from an unregistered provider", () => {
    const category = { ...facts().category, code: "PA_SUPPORT", regulated: true };
    expect(codes(facts({ category }))).toEqual(["CQC_REGISTRATION_REQUIRED"]);
    expect(codes(facts({ category, provider: { cqcLocationId: "1-101672419" } }))).toEqual([]);
  });

  it("refuses a first visit outside the budget period", () => {
    expect(codes(facts({ visits: [visit("2026-03-31")] }))).toEqual(["OUTSIDE_BUDGET_PERIOD"]);
    expect(codes(facts({ visits: [visit("2027-04-01")] }))).toEqual(["OUTSIDE_BUDGET_PERIOD"]);
    expect(codes(facts({ visits: [visit("2027-03-31")] }))).toEqual([]);
  });

  it("refuses a care-home place over 4 weeks by direct payment (reg. 8), not a short stay or another management", () => {
    const category = {
      code: "RESIDENTIAL_CARE",
      name: "Residential care home place",
      purpose: CategoryPurpose.LIFE_SUSTAINING,
      regulated: true,
      allowedFor: [BudgetKind.PERSONAL_BUDGET],
    };
    const registered = { cqcLocationId: "1-101672419" };
    const weeks = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ startsAt: new Date(Date.UTC(2026, 4, 4 + 7 * i, 12)), endsAt: new Date(Date.UTC(2026, 4, 11 + 7 * i, 12)) }));
    expect(codes(facts({ category, provider: registered, visits: weeks(8) }))).toEqual(["CARE_HOME_PLACEMENT_NOT_ALLOWED"]);
    expect(codes(facts({ category, provider: registered, visits: weeks(4) }))).toEqual([]);
    expect(
      codes(facts({ category, provider: registered, visits: weeks(8), budget: { ...facts().budget, management: BudgetManagement.COUNCIL_MANAGED } })),
    ).toEqual([]);
  });

  it.each([
    [PayeeRelationship.SPOUSE_OR_PARTNER, [ApprovalReason.RELATIVE_PAYEE]],
    [PayeeRelationship.CLOSE_RELATIVE_SAME_HOUSEHOLD, [ApprovalReason.RELATIVE_PAYEE]],
    [PayeeRelationship.CLOSE_RELATIVE_ELSEWHERE, []],
    [PayeeRelationship.NONE, []],
  ])("sends a %s payee for approval when reg. 3 asks for it", (payeeRelationship, reasons) => {
    expect(assessBooking(facts({ payeeRelationship }))).toEqual({ refusals: [], approvalReasons: reasons });
  });

  it("sends life-improving purchases above the funding body's threshold for approval", () => {
    const gardening = {
      code: "GARDENING",
      name: "Gardening",
      purpose: CategoryPurpose.LIFE_IMPROVING,
      regulated: false,
      allowedFor: [BudgetKind.PERSONAL_BUDGET],
    };
    expect(assessBooking(facts({ category: gardening, totalCostPence: 50_000 })).approvalReasons).toEqual([]);
    expect(assessBooking(facts({ category: gardening, totalCostPence: 50_001 })).approvalReasons).toEqual([ApprovalReason.LIFE_IMPROVING_ABOVE_THRESHOLD]);
    expect(assessBooking(facts({ category: gardening, totalCostPence: 10_000_000, lifeImprovingThresholdPence: null })).approvalReasons).toEqual([]);
    expect(assessBooking(facts({ totalCostPence: 10_000_000 })).approvalReasons).toEqual([]); // life-sustaining
  });
});

describe("booking status transitions", () => {
  it("start committed, pending approval when a rule asks, confirmed when the provider already agreed", () => {
    expect(initialStatus([], false)).toBe(BookingStatus.REQUESTED);
    expect(initialStatus([], true)).toBe(BookingStatus.CONFIRMED);
    expect(initialStatus([ApprovalReason.RELATIVE_PAYEE], true)).toBe(BookingStatus.PENDING_APPROVAL);
  });

  it("lead an approved booking to the provider, or straight to confirmed when it came from a quote", () => {
    expect(targetStatus("approve", false)).toBe(BookingStatus.REQUESTED);
    expect(targetStatus("approve", true)).toBe(BookingStatus.CONFIRMED);
  });

  it("never leave a final status", () => {
    const finals = [BookingStatus.DECLINED, BookingStatus.CANCELLED, BookingStatus.COMPLETED];
    for (const { from } of Object.values(TRANSITIONS)) expect(from.filter((s) => finals.includes(s))).toEqual([]);
  });
});

describe("a relative payee declared by the provider at confirmation (reg. 3)", () => {
  const requested = { payeeRelationship: PayeeRelationship.NONE, approvalReasons: [] as ApprovalReason[], approvalDecision: null };

  it("confirms when the provider declares no relative, or one the council need not agree to", () => {
    expect(confirmation(requested, PayeeRelationship.NONE)).toEqual({
      status: BookingStatus.CONFIRMED,
      payeeRelationship: PayeeRelationship.NONE,
      approvalReasons: [],
      decisionReset: false,
    });
    expect(confirmation(requested, PayeeRelationship.CLOSE_RELATIVE_ELSEWHERE)).toMatchObject({
      status: BookingStatus.CONFIRMED,
      payeeRelationship: PayeeRelationship.CLOSE_RELATIVE_ELSEWHERE,
    });
  });

  it("sends a spouse or a relative in the household for approval, unless the council already agreed to one", () => {
    expect(confirmation(requested, PayeeRelationship.SPOUSE_OR_PARTNER)).toEqual({
      status: BookingStatus.PENDING_APPROVAL,
      payeeRelationship: PayeeRelationship.SPOUSE_OR_PARTNER,
      approvalReasons: [ApprovalReason.RELATIVE_PAYEE],
      decisionReset: true,
    });
    const approvedForThreshold = {
      ...requested,
      approvalReasons: [ApprovalReason.LIFE_IMPROVING_ABOVE_THRESHOLD],
      approvalDecision: ApprovalDecision.APPROVED,
    };
    expect(confirmation(approvedForThreshold, PayeeRelationship.CLOSE_RELATIVE_SAME_HOUSEHOLD)).toMatchObject({
      status: BookingStatus.PENDING_APPROVAL,
      approvalReasons: [ApprovalReason.LIFE_IMPROVING_ABOVE_THRESHOLD, ApprovalReason.RELATIVE_PAYEE],
    });
    const agreed = {
      payeeRelationship: PayeeRelationship.CLOSE_RELATIVE_SAME_HOUSEHOLD,
      approvalReasons: [ApprovalReason.RELATIVE_PAYEE],
      approvalDecision: ApprovalDecision.APPROVED,
    };
    expect(confirmation(agreed, PayeeRelationship.SPOUSE_OR_PARTNER)).toMatchObject({
      status: BookingStatus.CONFIRMED,
      payeeRelationship: PayeeRelationship.SPOUSE_OR_PARTNER,
      decisionReset: false,
    });
  });

  it("keeps the closer of the two declarations", () => {
    expect(closerRelationship(PayeeRelationship.CLOSE_RELATIVE_ELSEWHERE, PayeeRelationship.NONE)).toBe(PayeeRelationship.CLOSE_RELATIVE_ELSEWHERE);
    expect(closerRelationship(PayeeRelationship.NONE, PayeeRelationship.SPOUSE_OR_PARTNER)).toBe(PayeeRelationship.SPOUSE_OR_PARTNER);
  });

  it("asks the commissioner approving a relative payee to record why", () => {
    expect(approvalNeedsNote([ApprovalReason.RELATIVE_PAYEE], "  ")).toMatchObject({ code: "INVALID_VALUE", field: ["note"] });
    expect(approvalNeedsNote([ApprovalReason.RELATIVE_PAYEE], "The only carer she accepts")).toBeNull();
    expect(approvalNeedsNote([ApprovalReason.LIFE_IMPROVING_ABOVE_THRESHOLD], "")).toBeNull();
  });
});
