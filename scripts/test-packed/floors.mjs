// Peer ranges equal to what is tested: each range's lowest version is one the tests run on.
import { FLOORS } from './packages.mjs';

/** `name@version` of each devDependency, aliases (`"ai-v5": "npm:ai@5.0.277"`) under their real name. */
function testedVersions(pkg) {
  const tested = [];
  for (const [key, value] of Object.entries(pkg.devDependencies ?? {})) {
    const alias = /^npm:(@?[^@]+)@(.+)$/.exec(value);
    tested.push(alias ? { name: alias[1], version: alias[2] } : { name: key, version: value });
  }
  return tested;
}

/**
 * The peers whose lowest allowed version no test runs on: tested means a version of the same
 * major.minor as the range's minimum, inside the range, in the devDependencies or in FLOORS.
 */
export function untestedFloors(packages, semver) {
  const problems = [];
  for (const { name, pkg } of packages) {
    const floors = FLOORS[name] ?? {};
    for (const [peer, range] of Object.entries(pkg.peerDependencies ?? {})) {
      const min = semver.minVersion(range);
      const tested = testedVersions(pkg)
        .filter((t) => t.name === peer)
        .map((t) => t.version);
      if (floors[peer]) tested.push(floors[peer]);
      const ok = tested.some((v) => {
        const version = semver.valid(v);
        return (
          version &&
          semver.satisfies(version, range) &&
          semver.major(version) === min.major &&
          semver.minor(version) === min.minor
        );
      });
      if (!ok) {
        problems.push(
          `${name}: peer ${peer}@"${range}" allows ${min.version}, but the tests run on ${tested.join(', ') || 'nothing'}: test ${min.major}.${min.minor}.x (devDependency alias or FLOORS) or narrow the range`,
        );
      }
    }
  }
  return problems;
}
