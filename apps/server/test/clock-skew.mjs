// Loaded into a test's server process (NODE_OPTIONS=--import): its clock runs SKEW_MS milliseconds ahead (or behind,
// when negative), as a server of a pool whose clock is off.
const skew = Number(process.env.SKEW_MS ?? 0);
if (skew) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + skew);
      else super(...args);
    }
    static now() {
      return realNow() + skew;
    }
  }
  globalThis.Date = SkewedDate;
}
