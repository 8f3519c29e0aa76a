/**
 * Where the CLI reads each option besides `pagebound.config.ts`: its environment variable and, for
 * the common ones, its flag. Adding an option to the CLI is one line here; its type, default and
 * validation are in config.ts. Precedence: config file < environment < flags.
 */
import { checkOption, parseOption, KINDS, type PageboundConfig } from '../config.js';
import { PB_ERR_CONFIG } from '../errors.js';

export interface Setting { key: keyof PageboundConfig; env: string; flag?: string }

const env = (key: keyof PageboundConfig) => `PAGEBOUND_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
const opt = (key: keyof PageboundConfig, flag?: string): Setting => ({ key, env: env(key), flag });

export const SETTINGS: readonly Setting[] = [
  { key: 'port', env: 'PORT', flag: '--port' },
  { key: 'host', env: 'HOST', flag: '--host' },
  opt('pagesDir', '--pages'),
  opt('publicDir', '--public'),
  opt('secret'),
  opt('trustProxy', '--trust-proxy'),
  opt('metrics', '--metrics'),
  opt('prettyLogs'),
  opt('allowedOrigins'),
  opt('transport'),
  opt('csp'),
  opt('csrf'),
  opt('retainMs'),
  opt('connectTimeoutMs'),
  opt('heartbeatMs'),
  opt('heartbeatTimeoutMs'),
  opt('maxFrameBytes'),
  opt('replayMaxFrames'),
  opt('replayMaxBytes'),
  opt('maxMailbox'),
  opt('maxInstances'),
  opt('maxInstancesPerSession'),
  opt('pollMs'),
  opt('pollMaxBytes'),
  opt('maxUploadBytes'),
  opt('maxUploadFiles'),
  opt('maxFormFields'),
  opt('maxUploadDiskBytes'),
  opt('maxUploadDiskBytesPerSession'),
  opt('uploadIdleMs'),
  opt('uploadDir'),
  opt('maxBufferedBytes'),
  opt('maxStreamBytes'),
  opt('maxMailboxBytes'),
  opt('eventTimeoutMs'),
  opt('maxIdlePagesPerAddress'),
  opt('renderTimeoutMs'),
  opt('allowedHosts'),
  opt('eventLoopWarnMs'),
  opt('requestTimeoutMs'),
  opt('connectionTimeoutMs'),
  opt('nodeId'),
  opt('drainTimeoutMs'),
  opt('maxDurableStateBytes'),
  opt('durableTtlMs'),
];

/** Flags that are not options. */
const COMMAND_FLAGS = new Set(['--config', '--out']);

/** Options from the environment. */
export function fromEnv(environment: NodeJS.ProcessEnv): PageboundConfig {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const raw = environment[s.env];
    if (raw !== undefined && raw !== '') out[s.key] = parseOption(s.key, raw, s.env);
  }
  return out as PageboundConfig;
}

/**
 * Options and command flags from the argument list: `--port 8080`, `--port=8080`, and a bare
 * `--trust-proxy` for a boolean. An unknown flag stops start-up rather than being ignored.
 */
export function fromFlags(args: readonly string[]): { options: PageboundConfig; command: Record<string, string> } {
  const options: Record<string, unknown> = {};
  const command: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const setting = SETTINGS.find((s) => s.flag === name);
    if (!setting && !COMMAND_FLAGS.has(name)) {
      throw new PB_ERR_CONFIG(`unknown argument ${name.startsWith('--') ? name : '(not a flag)'}; run pagebound without arguments for the usage`);
    }
    let value = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      const next = args[i + 1];
      const kind = setting && KINDS[setting.key];
      // `--trust-proxy` alone means true; followed by a value (hops, addresses), that value.
      const takesBare = kind === 'boolean' || kind === 'trust-proxy';
      if (next !== undefined && !next.startsWith('--') && (!takesBare || kind === 'trust-proxy' || /^(true|false|1|0|yes|no|on|off)$/i.test(next))) {
        value = next;
        i++;
      } else if (takesBare) value = 'true';
      else throw new PB_ERR_CONFIG(`${name} needs a value`);
    }
    if (setting) options[setting.key] = parseOption(setting.key, value, name);
    else command[name] = value;
  }
  return { options: options as PageboundConfig, command };
}

/** Checks a config file's export: an object of known options with the right types. */
export function checkConfigFile(config: unknown, file: string): PageboundConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new PB_ERR_CONFIG(`${file} must \`export default defineConfig({...})\``);
  }
  for (const [key, value] of Object.entries(config)) checkOption(key, value);
  return config as PageboundConfig;
}
