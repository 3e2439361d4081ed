/** The pure rules of events: Standard Webhooks signatures, retry times, refused addresses, price alerts. */
import { PriceAlertReason } from "../../src/modules/events";
import {
  GIVE_UP_AFTER_MS,
  isPrivateAddress,
  LONGEST_RETRY_MS,
  newSecret,
  nextAttemptAt,
  priceAlertReasons,
  risePercent,
  signature,
  signedHeaders,
  urlProblem,
} from "../../src/modules/events/event.rules";

describe("Standard Webhooks signatures", () => {
  it("match the specification's test vector", () => {
    // https://github.com/standard-webhooks/standard-webhooks (libraries' shared test vector)
    expect(signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("headers carry the id, the timestamp in seconds and the signature of exactly that body", () => {
    const secret = newSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signedHeaders(secret, "evt_1", new Date("2026-03-01T10:00:00.900Z"), "{}");
    expect(headers).toMatchObject({ "webhook-id": "evt_1", "webhook-timestamp": "1772359200" });
    expect(headers["webhook-signature"]).toBe(signature(secret, "evt_1", 1772359200, "{}"));
    expect(headers["webhook-signature"]).not.toBe(signature(secret, "evt_1", 1772359200, "{ }"));
  });
});

describe("retries", () => {
  const created = new Date("2026-03-01T00:00:00Z");
  it("wait 10 s doubling to at most 3 h, each between half and all of the step", () => {
    const after = (failures: number, random: number) => nextAttemptAt(created, created, failures, random)!.getTime() - created.getTime();
    expect([after(1, 0), after(1, 1)]).toEqual([5_000, 10_000]);
    expect([after(2, 0), after(2, 1)]).toEqual([10_000, 20_000]);
    expect(after(20, 1)).toBe(LONGEST_RETRY_MS);
    expect(after(20, 0)).toBe(LONGEST_RETRY_MS / 2);
  });

  it("give up once the next try would fall more than a day after the delivery was made", () => {
    const late = new Date(created.getTime() + GIVE_UP_AFTER_MS - 60_000);
    expect(nextAttemptAt(created, late, 1, 0)).not.toBeNull(); // 5 s: still within the day
    expect(nextAttemptAt(created, late, 12, 0)).toBeNull(); // 1.5 h: past it
  });
});

describe("SSRF", () => {
  it.each([
    "127.0.0.1",
    "10.0.0.8",
    "172.16.4.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "224.0.0.1",
    "not-an-ip",
  ])("%s is refused", (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8", "172.32.0.1"])("%s is public", (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
  it("URLs: https only in production; no credentials; absolute", () => {
    expect(urlProblem("https://example.org/hook", true)).toBeNull();
    expect(urlProblem("http://example.org/hook", true)).toMatch(/https/);
    expect(urlProblem("http://example.org/hook", false)).toBeNull();
    expect(urlProblem("https://user:pw@example.org/", false)).toMatch(/credentials/);
    expect(urlProblem("/relative", false)).toMatch(/absolute/);
    expect(urlProblem("file:///etc/passwd", false)).toMatch(/https/);
  });
});

describe("price alerts", () => {
  const listing = (previousPence: number | null, pricePence: number, referencePence: number | null, alertPercent = 10) =>
    priceAlertReasons({ previousPence, pricePence, referencePence, alertPercent, subject: "LISTING" });
  it("a rise of more than the threshold (not equal to it)", () => {
    expect(listing(1000, 1100, null)).toEqual([]);
    expect(listing(1000, 1101, null)).toEqual([PriceAlertReason.RISE_OVER_THRESHOLD]);
    expect(listing(1000, 1060, null, 5)).toEqual([PriceAlertReason.RISE_OVER_THRESHOLD]);
  });
  it("a move from at or below the reference rate to above it; staying above is not a move", () => {
    expect(listing(1700, 1701, 1700)).toEqual([PriceAlertReason.ABOVE_REFERENCE]);
    expect(listing(1750, 1800, 1700)).toEqual([]);
    expect(listing(1000, 1700, 1700)).toEqual([PriceAlertReason.RISE_OVER_THRESHOLD]);
    expect(listing(1500, 1900, 1700)).toEqual([PriceAlertReason.RISE_OVER_THRESHOLD, PriceAlertReason.ABOVE_REFERENCE]);
  });
  it("a quote above the reference rate, whatever its listing's price", () => {
    expect(priceAlertReasons({ previousPence: 1800, pricePence: 1800, referencePence: 1700, alertPercent: 10, subject: "QUOTE" })).toEqual([
      PriceAlertReason.ABOVE_REFERENCE,
    ]);
  });
  it("the rise in percent, one decimal", () => {
    expect(risePercent(1750, 2000)).toBe(14.3);
    expect(risePercent(null, 2000)).toBeNull();
  });
});
