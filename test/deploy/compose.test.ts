import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { parse } from 'yaml';

// No Docker engine runs here: these tests check what can be checked without one. The compose file
// is validated by Debian's docker-compose, the Dockerfiles are linted, and the OAR images are shown
// to run the same provisioning functions as scripts/oar-sandbox (the sandbox CI brings up).

const root = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  build?: { context: string; dockerfile: string; target?: string };
  ports?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

function composeConfig(file: string): { services: Record<string, ComposeService> } {
  return parse(execFileSync('docker-compose', ['-f', file, 'config'], { encoding: 'utf8', cwd: root }));
}

describe('docker-compose.yml', () => {
  const { services } = composeConfig(join(root, 'docker-compose.yml'));

  it('passes `docker-compose config`, which rejects an invalid file', () => {
    expect(Object.keys(services).sort()).toEqual([
      'db',
      'frontend',
      'node1',
      'node2',
      'node3',
      'oar-live',
      'redis',
      'server',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  redis:\n    ports: 6379\n');
      const bad = spawnSync('docker-compose', ['-f', join(dir, 'docker-compose.yml'), 'config'], { encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/ports/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("publishes only oar-live's port, on the host's loopback", () => {
    const published = Object.entries(services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name)).toEqual(['oar-live']);
    expect(services['oar-live'].ports).toEqual(['127.0.0.1:8080:8080/tcp']);
  });

  it('gives every service a healthcheck and starts dependants only once those are healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.healthcheck?.test[0]]).toEqual([name, 'CMD']);
      for (const dependency of Object.values(service.depends_on ?? {}))
        expect(dependency.condition).toBe('service_healthy');
    }
  });

  it('builds every image from a Dockerfile in docker/, at a stage that exists', () => {
    for (const [name, { build }] of Object.entries(services)) {
      expect([name, build?.dockerfile]).toEqual([name, expect.stringMatching(/^docker\/[\w-]+\/Dockerfile$/)]);
      if (build?.target) expect(read(build.dockerfile)).toMatch(new RegExp(`^FROM \\S+ AS ${build.target}$`, 'm'));
    }
  });

  it('points oar-live at the frontend and Redis, and keeps Redis data in an append-only file on a volume', () => {
    const env = services['oar-live'].environment ?? {};
    expect(new URL(env.OAR_API_URL).hostname).toBe('frontend');
    expect(services.frontend.build?.target).toBe('frontend');
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(services.redis.volumes).toEqual(['redis-data:/var/lib/redis:rw']);
    expect(read('docker/redis/Dockerfile')).toMatch(/"--appendonly", "yes", "--dir", "\/var\/lib\/redis"/);
  });

  it('runs three nodes named node1..node3 that share the server’s oar ssh key', () => {
    for (const node of ['node1', 'node2', 'node3']) {
      expect(services[node].build?.target).toBe('node');
      expect(services[node].volumes).toEqual(services.server.volumes);
    }
    expect(services.server.volumes).toEqual(['oar-ssh:/var/lib/oar/.ssh:rw']);
  });
});

describe('Dockerfiles', () => {
  const dockerfiles = readdirSync(join(root, 'docker'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `docker/${entry.name}/Dockerfile`);
  // Every optional rule of dockerfile-utils (the linter behind VS Code's Docker support) as an error.
  const strict: ValidatorSettings = {
    deprecatedMaintainer: ValidationSeverity.ERROR,
    directiveCasing: ValidationSeverity.ERROR,
    emptyContinuationLine: ValidationSeverity.ERROR,
    instructionCasing: ValidationSeverity.ERROR,
    instructionCmdMultiple: ValidationSeverity.ERROR,
    instructionEntrypointMultiple: ValidationSeverity.ERROR,
    instructionHealthcheckMultiple: ValidationSeverity.ERROR,
    instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
    instructionWorkdirRelative: ValidationSeverity.ERROR,
  };

  it('lint clean with dockerfile-utils, which does flag a broken Dockerfile', () => {
    expect(dockerfiles.sort()).toEqual([
      'docker/oar-live/Dockerfile',
      'docker/oar/Dockerfile',
      'docker/redis/Dockerfile',
    ]);
    for (const file of dockerfiles) expect([file, validate(read(file), strict)]).toEqual([file, []]);
    expect(validate('from debian:bookworm\nEXPOSE http\n', strict).map((d) => d.message)).toEqual([
      expect.stringMatching(/uppercase/i),
      expect.stringMatching(/Invalid containerPort: http/),
    ]);
  });

  it('start from Debian bookworm (or Node 20 on bookworm) and clean apt lists where they install', () => {
    for (const file of dockerfiles) {
      const text = read(file);
      for (const [, image] of text.matchAll(/^FROM (\S+)/gm))
        expect(image).toMatch(/^(debian:bookworm-slim|node:20-bookworm-slim|base|build)$/);
      for (const [run] of text.matchAll(/^RUN .*(?:\\\n.*)*/gm)) {
        if (/apt-get install|oar_install_roles/.test(run)) expect(run).toContain('rm -rf /var/lib/apt/lists/*');
      }
    }
  });
});

describe('OAR provisioning shared by scripts/oar-sandbox and docker/', () => {
  const library = read('scripts/oar-provision.sh');
  const defined = new Set([...library.matchAll(/^(oar_\w+)\(\) \{/gm)].map(([, name]) => name));
  const calls = (text: string): Set<string> =>
    new Set([...text.matchAll(/\b(oar_[a-z_]+)\b/g)].map(([, name]) => name).filter((name) => defined.has(name)));
  const sandbox = read('scripts/oar-sandbox');
  const dockerfile = read('docker/oar/Dockerfile');
  const entrypoint = read('docker/oar/entrypoint.sh');
  const dockerRuns = new Set([...dockerfile.matchAll(/oar-provision\.sh (oar_\w+)/g)].map(([, name]) => name));
  const compose = new Set([...dockerRuns, ...calls(entrypoint), ...calls(read('docker-compose.yml'))]);
  const sandboxCalls = calls(sandbox);

  it('is one file: the sandbox sources it, the OAR image copies it, docker/ has no second copy', () => {
    expect(sandbox).toContain('. "$(dirname "$(readlink -f "$0")")/oar-provision.sh"');
    expect(dockerfile).toContain('COPY scripts/oar-provision.sh /usr/local/sbin/oar-provision.sh');
    expect(entrypoint).toContain('. /usr/local/sbin/oar-provision.sh');
    const files = readdirSync(join(root, 'docker'), { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const path = join(file.parentPath, file.name);
      expect([path, /^oar_\w+\(\) \{/m.test(readFileSync(path, 'utf8'))]).toEqual([path, false]);
    }
    expect(read('.ci/run')).toMatch(/scripts\/oar-sandbox up/);
  });

  it('the images call only functions the file defines', () => {
    const undefinedCalls = [...dockerfile.matchAll(/oar-provision\.sh (\w+)/g)]
      .map(([, name]) => name)
      .filter((name) => !defined.has(name));
    expect(undefinedCalls).toEqual([]);
  });

  it('is a bash program: RUN lines and healthchecks exec it with no shell that could read it', () => {
    // Without the line the kernel refuses the exec (a CMD healthcheck then never passes), and a
    // RUN under podman's default image format, which ignores SHELL, hands it to dash.
    expect(library.split('\n')[0]).toBe('#!/bin/bash');
    expect(statSync(join(root, 'scripts/oar-provision.sh')).mode & 0o111).toBe(0o111);
  });

  it('the images run every sandbox step except the listed, explained differences', () => {
    // Sandbox-only: all roles on one host, loopback names and fast test resets.
    const sandboxOnly = {
      oar_configure_node_hosts: 'compose names the nodes through its DNS (service names node1..node3)',
      oar_configure_node_sshd:
        'a node container listens on its own address; only the sandbox must pin loopback aliases',
      oar_snapshot_template: 'template database for ≤5 s test resets',
      oar_restore_template: 'template database for ≤5 s test resets',
      oar_database_exists: 'decides whether the template must be made',
      oar_wait_for: 'the sandbox waits for the API to answer; compose healthchecks do that',
      oar_configure_api_timing_log: "Apache's timed log of API requests is for the real-scale bench on the sandbox",
      oar_psql: '`oar-sandbox scale` inserts resources with SQL; compose clusters are not scaled',
    };
    // Compose-only: several containers must agree on ids, and have no cgroup v1 cpuset hierarchy.
    const composeOnly = {
      oar_create_system_user: 'fixed oar uid so the shared ssh-key volume has one owner',
      oar_disable_cpuset_manager: 'unprivileged containers on cgroup v2 hosts have no cpuset hierarchy',
    };
    expect([...sandboxCalls].filter((name) => !compose.has(name)).sort()).toEqual(Object.keys(sandboxOnly).sort());
    expect([...compose].filter((name) => !sandboxCalls.has(name)).sort()).toEqual(Object.keys(composeOnly).sort());
  });

  it('gives every OAR role its packages, started the way the sandbox starts them', () => {
    for (const role of ['db', 'server', 'frontend', 'node']) {
      expect(dockerfile).toMatch(
        new RegExp(`^FROM base AS ${role}\\nRUN oar-provision\\.sh oar_install_roles ${role} `, 'm'),
      );
    }
    expect(sandbox).toMatch(/oar_install_roles db server frontend node\n/);
    for (const start of ['oar_start_postgres', 'oar_start_server', 'oar_start_api', 'oar_start_node_sshd']) {
      expect([start, sandboxCalls.has(start), calls(entrypoint).has(start)]).toEqual([start, true, true]);
    }
  });
});
