// The Chromium finder and the parts of provisioning that decide without installing anything.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findChromium } from '../../scripts/chromium';
import { installedNode, VERSIONS } from '../../scripts/node-versions';
import { provision, ProvisionError } from '../../scripts/provision';

/** A folder with an executable `name` (and a non-executable `plain`), removed after the test. */
function fakeBrowserDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-chromium-'));
  fs.writeFileSync(path.join(dir, name), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'plain'), 'not a program\n', { mode: 0o644 });
  return dir;
}

/** Runs `body` with process.env[key] = value, restoring it after. */
function withEnv<T>(key: string, value: string | undefined, body: () => T): T {
  const before = process.env[key];
  if (value === undefined) {
    delete process.env[key];
  } else {
    process.env[key] = value;
  }
  try {
    return body();
  } finally {
    if (before === undefined) {
      delete process.env[key];
    } else {
      process.env[key] = before;
    }
  }
}

describe('provisioning', () => {
  let dir: string;
  beforeEach(() => {
    dir = fakeBrowserDir('chromium');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes CV_CHROMIUM first, and refuses one that is not an executable file', () => {
    const chosen = path.join(dir, 'chromium');
    assert.equal(findChromium({ CV_CHROMIUM: chosen }, ['/bin/sh']), chosen);
    assert.throws(
      () => findChromium({ CV_CHROMIUM: path.join(dir, 'plain') }, ['/bin/sh']),
      /CV_CHROMIUM=.*plain is not an executable file/,
    );
    assert.throws(() => findChromium({ CV_CHROMIUM: path.join(dir, 'missing') }), /CV_CHROMIUM/);
  });

  it('tries the usual paths in order, then chromium or chrome on PATH', () => {
    const onPath = path.join(dir, 'chromium');
    const first = path.join(dir, 'plain'); // not executable: skipped
    assert.equal(findChromium({ PATH: dir }, [first, '/bin/sh']), '/bin/sh');
    assert.equal(findChromium({ PATH: `/nonexistent${path.delimiter}${dir}` }, [first]), onPath);
    assert.equal(findChromium({ PATH: '/nonexistent' }, [first]), undefined);
  });

  it('uses a Node binary named by CV_NODE_<major> instead of the npm package', () => {
    const major = VERSIONS[0].split('.')[0];
    const fake = path.join(dir, 'chromium');
    assert.equal(
      withEnv(`CV_NODE_${major}`, fake, () => installedNode(VERSIONS[0])),
      fake,
    );
  });

  it('needs nothing for the unit suite, and stops before installing on a bad CV_CHROMIUM', () => {
    assert.deepEqual(provision(['unit']), []);
    const bad = path.join(dir, 'plain');
    assert.throws(
      () => withEnv('CV_CHROMIUM', bad, () => provision(['unit', 'webview'])),
      (err: unknown) => err instanceof ProvisionError && err.message.includes(bad),
    );
  });
});
