import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cleanOldSessions,
  createSession,
  defaultSessionsRoot,
  privateSessionsRoot,
  writePrivateFile,
} from '../../src/launch/session';

const posix = process.platform !== 'win32';
const NOBODY = 65534;

/** Makes `dir` look created by another local user: theirs where we can chown (root), else a symlink to theirs. */
function plantForeign(dir: string, mode: number): void {
  if (process.getuid?.() === 0) {
    fs.mkdirSync(dir);
    fs.chownSync(dir, NOBODY, NOBODY);
    fs.chmodSync(dir, mode);
  } else {
    const theirs = fs.mkdtempSync(`${dir}-theirs-`);
    fs.chmodSync(theirs, mode);
    fs.symlinkSync(theirs, dir);
  }
}

describe('private sessions root', () => {
  let tmp: string;
  let savedTmpdir: string | undefined;
  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(m);

  beforeEach(() => {
    // A temp folder of our own as TMPDIR: the tests never touch the machine's real one.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-root-test-'));
    savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    warnings.length = 0;
  });
  afterEach(() => {
    if (savedTmpdir === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = savedTmpdir;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lives in the OS temp folder under a per-user name (the real default path)', () => {
    delete process.env.TMPDIR;
    const expected = posix
      ? path.join(os.tmpdir(), `concurrency-visualizer-${process.getuid!()}`)
      : path.join(os.tmpdir(), 'concurrency-visualizer');
    assert.equal(defaultSessionsRoot(), expected);
    assert.notEqual(defaultSessionsRoot(), path.join(os.tmpdir(), 'concurrency-visualizer-x'));
    if (posix) {
      assert.notEqual(defaultSessionsRoot(), path.join(os.tmpdir(), 'concurrency-visualizer'));
    }
  });

  it('is created 0700 and used again as found when it is ours and private', () => {
    const root = privateSessionsRoot(warn);
    assert.equal(root, defaultSessionsRoot());
    assert.equal(path.dirname(root), tmp);
    if (posix) {
      assert.equal(fs.statSync(root).mode & 0o777, 0o700);
    }
    assert.equal(privateSessionsRoot(warn), root);
    assert.deepEqual(warnings, []);
  });

  if (posix) {
    const refusals: Array<[string, (root: string) => void, RegExp]> = [
      [
        'a symlink (even to a private folder of ours)',
        (root) => {
          const ours = fs.mkdtempSync(path.join(tmp, 'ours-'));
          fs.symlinkSync(ours, root);
        },
        /symbolic link/,
      ],
      [
        'group-writable',
        (root) => {
          fs.mkdirSync(root);
          fs.chmodSync(root, 0o770);
        },
        /can be written by others \(mode 770\)/,
      ],
      ['foreign-owned', (root) => plantForeign(root, 0o700), /belongs to uid|symbolic link/],
      ['a file', (root) => fs.writeFileSync(root, ''), /not a directory/],
    ];
    for (const [what, plant, reason] of refusals) {
      it(`is refused when it is ${what}: a new private folder instead, and the reason told`, () => {
        const planted = defaultSessionsRoot();
        plant(planted);
        const before = fs.lstatSync(planted);
        const root = privateSessionsRoot(warn);
        assert.notEqual(root, planted);
        assert.ok(!root.startsWith(`${planted}${path.sep}`), root);
        const st = fs.lstatSync(root);
        assert.ok(st.isDirectory());
        assert.equal(st.uid, process.getuid!());
        assert.equal(st.mode & 0o777, 0o700);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], reason);
        assert.ok(warnings[0].includes(root), warnings[0]);
        // The planted folder is left as it was.
        const after = fs.lstatSync(planted);
        assert.equal(after.ino, before.ino);
        assert.equal(after.mode, before.mode);
        if (before.isDirectory()) {
          assert.deepEqual(fs.readdirSync(planted), []);
        }
        // A session in the fallback is private too.
        const tracer = path.join(tmp, 'tracer.js');
        fs.writeFileSync(tracer, 'module.exports.start = () => {};\n');
        const s = createSession(tracer, root);
        assert.equal(path.dirname(s.dir), root);
      });
    }

    it('creates session folders 0700 and the preload 0600, whatever the umask', () => {
      const tracer = path.join(tmp, 'tracer.js');
      fs.writeFileSync(tracer, 'module.exports.start = () => {};\n');
      const old = process.umask(0);
      try {
        const s = createSession(tracer, privateSessionsRoot(warn));
        assert.equal(fs.statSync(s.dir).mode & 0o777, 0o700);
        assert.equal(fs.statSync(s.preloadPath).mode & 0o777, 0o600);
      } finally {
        process.umask(old);
      }
    });
  }

  it('never writes the preload through an existing name or a symlink', () => {
    const target = path.join(tmp, 'target.txt');
    fs.writeFileSync(target, 'theirs');
    const link = path.join(tmp, 'preload.cjs');
    fs.symlinkSync(target, link);
    assert.throws(() => writePrivateFile(link, 'ours'), /EEXIST/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'theirs');
    const file = path.join(tmp, 'plain.cjs');
    writePrivateFile(file, 'ours');
    assert.throws(() => writePrivateFile(file, 'again'), /EEXIST/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'ours');
  });

  it('cleans old sessions only in a root of ours, never through a symlink', () => {
    const root = privateSessionsRoot(warn);
    const old = path.join(root, 'old');
    const fresh = path.join(root, 'fresh');
    fs.mkdirSync(old);
    fs.mkdirSync(fresh);
    // A link to someone else's folder, made to look old: removing what it points to would be a
    // delete anywhere the link says.
    const elsewhere = fs.mkdtempSync(path.join(tmp, 'elsewhere-'));
    fs.writeFileSync(path.join(elsewhere, 'keep'), '');
    fs.symlinkSync(elsewhere, path.join(root, 'link'));
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    fs.utimesSync(old, weekAgo, weekAgo);
    fs.lutimesSync(path.join(root, 'link'), weekAgo, weekAgo);
    cleanOldSessions(root);
    assert.deepEqual(fs.readdirSync(root).sort(), ['fresh', 'link']);
    assert.ok(fs.existsSync(path.join(elsewhere, 'keep')));

    if (posix) {
      // A root others can write to is not cleaned at all (it is not ours to tidy).
      const shared = path.join(tmp, 'shared');
      fs.mkdirSync(path.join(shared, 'old'), { recursive: true });
      fs.chmodSync(shared, 0o777);
      fs.utimesSync(path.join(shared, 'old'), weekAgo, weekAgo);
      cleanOldSessions(shared);
      assert.deepEqual(fs.readdirSync(shared), ['old']);
    }
  });
});
