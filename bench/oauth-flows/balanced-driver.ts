// One driver over several instances of our server on one database (the postgres-2 target): each
// operation goes to the next instance in turn, as a load balancer without sticky sessions would
// send it. An operation's requests (a login's three, an authorization's two) stay on one instance;
// the next operation of the same browser or refresh chain goes to the next one, so a session made
// on one instance is used on the other, and a refresh token issued by one is spent at the other.
import type { Driver } from "./protocol";

export function balancedDriver(drivers: readonly Driver[]): Driver {
  const first = drivers[0];
  if (!first) throw new Error("balancedDriver needs at least one driver");
  if (drivers.length === 1) return first;
  let next = 0;
  const pick = () => drivers[next++ % drivers.length]!;
  return {
    requests: () => drivers.reduce((total, driver) => total + driver.requests(), 0),
    login: (jar, user) => pick().login(jar, user),
    authorize: (jar) => pick().authorize(jar),
    exchange: (grant) => pick().exchange(grant),
    refresh: (refreshToken) => pick().refresh(refreshToken),
    // Paths only: the autocannon phases send them to every instance (phases.ts, spreadLoad).
    introspection: (token, kind) => first.introspection(token, kind),
    jwks: first.jwks,
    rotatesRefreshTokens: first.rotatesRefreshTokens,
  };
}
