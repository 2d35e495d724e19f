// A Jupyter kernel client over zeromq: starts a kernel from its kernelspec with a generated connection
// file, speaks the messaging protocol on shell, iopub, control and heartbeat, executes code and shuts
// the kernel down. No Python involved.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dealer, Request, Subscriber } from 'zeromq';
import type { KernelSpec } from './kernelspec.js';
import type { Output } from './nbformat.js';
import { decode, encode, newMessage, type JupyterMessage } from './wire.js';

/** How an execute request ended: the kernel's reply status, or the runner's own verdict. */
export type ExecuteStatus = 'ok' | 'error' | 'abort' | 'timeout' | 'died';

export interface ExecuteResult {
  status: ExecuteStatus;
  outputs: Output[];
  executionCount: number | null;
  ms: number;
}

export interface KernelStartOptions {
  /** Working directory of the kernel (Jupyter uses the notebook's folder). */
  cwd: string;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

interface Listener {
  iopub?: (m: JupyterMessage) => void;
  reply?: (m: JupyterMessage) => void;
  died?: () => void;
}

type Channel = 'shell' | 'control';

/** A wait that does not keep the process alive (races must not leave live timers behind). */
const wait = (ms: number) => sleep(ms, undefined, { ref: false });

/** Ports nobody listens on now (the kernel binds them right after; the same race Jupyter accepts). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Turns iopub messages of one request into nbformat outputs (streams merged, display updates applied). */
class OutputCollector {
  readonly outputs: Output[] = [];
  private readonly displays = new Map<string, number>();
  private clearOnNext = false;

  add(m: JupyterMessage): void {
    const c = m.content;
    const type = m.header.msg_type;
    if (type === 'clear_output') {
      if (c.wait === true) this.clearOnNext = true;
      else this.clear();
      return;
    }
    if (type === 'update_display_data') {
      const at = this.displays.get(String((c.transient as { display_id?: unknown } | undefined)?.display_id));
      const out = at === undefined ? undefined : this.outputs[at];
      if (out?.output_type === 'display_data') Object.assign(out, { data: c.data ?? {}, metadata: c.metadata ?? {} });
      return;
    }
    const output = this.toOutput(type, c);
    if (!output) return;
    if (this.clearOnNext) this.clear();
    const last = this.outputs[this.outputs.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text = String(last.text) + String(output.text);
      return;
    }
    const displayId = (c.transient as { display_id?: unknown } | undefined)?.display_id;
    if (output.output_type === 'display_data' && typeof displayId === 'string') this.displays.set(displayId, this.outputs.length);
    this.outputs.push(output);
  }

  private clear(): void {
    this.outputs.length = 0;
    this.displays.clear();
    this.clearOnNext = false;
  }

  private toOutput(type: string, c: Record<string, unknown>): Output | undefined {
    const data = (c.data ?? {}) as Record<string, unknown>;
    const metadata = (c.metadata ?? {}) as Record<string, unknown>;
    switch (type) {
      case 'stream':
        return { output_type: 'stream', name: c.name === 'stderr' ? 'stderr' : 'stdout', text: String(c.text ?? '') };
      case 'display_data':
        return { output_type: 'display_data', data, metadata };
      case 'execute_result':
        return { output_type: 'execute_result', data, metadata, execution_count: typeof c.execution_count === 'number' ? c.execution_count : null };
      case 'error':
        return {
          output_type: 'error',
          ename: String(c.ename ?? 'Error'),
          evalue: String(c.evalue ?? ''),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        };
      default:
        return undefined; // status, execute_input and others carry no output
    }
  }
}

/**
 * A running kernel. Start with `Kernel.start(spec, { cwd })`, then `execute(code)`, then `shutdown()`.
 * @example const k = await Kernel.start(findKernelSpec('tslab', root), { cwd: 'notebooks' }); await k.execute('1 + 1'); await k.shutdown();
 */
export class Kernel {
  /** Kernel info from the handshake (language, implementation, protocol version). */
  info: Record<string, unknown> = {};
  private readonly listeners = new Map<string, Listener>();
  private readonly session = randomUUID();
  private exit: { code: number | null; signal: string | null } | undefined;
  private readonly exited: Promise<void>;
  private log = '';
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  private constructor(
    private readonly child: ChildProcess,
    private readonly key: string,
    private readonly ports: { shell: number; iopub: number; control: number; hb: number },
    private readonly connectionDir: string,
    private readonly shell = new Dealer({ linger: 0 }),
    private readonly control = new Dealer({ linger: 0 }),
    private readonly iopub = new Subscriber({ linger: 0 }),
  ) {
    const keep = (b: Buffer) => (this.log = (this.log + b.toString('utf8')).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      const ended = (code: number | null, signal: string | null) => {
        if (this.exit) return;
        this.exit = { code, signal };
        for (const l of [...this.listeners.values()]) l.died?.();
        resolve();
      };
      child.once('exit', ended);
      // A kernel binary that cannot be spawned emits 'error' and maybe no 'exit'.
      child.once('error', (e) => ((this.log += `${e.message}\n`), ended(null, null)));
    });
    process.once('exit', this.killOnExit);
    const url = (port: number) => `tcp://127.0.0.1:${port}`;
    this.shell.connect(url(ports.shell));
    this.control.connect(url(ports.control));
    this.iopub.connect(url(ports.iopub));
    this.iopub.subscribe();
    void this.pump(this.shell, 'reply');
    void this.pump(this.control, 'reply');
    void this.pump(this.iopub, 'iopub');
  }

  /** Starts the kernel of `spec` and completes the kernel_info handshake (shell and iopub both answered) and a heartbeat. */
  static async start(spec: KernelSpec, options: KernelStartOptions): Promise<Kernel> {
    const { cwd, startTimeoutMs = 30_000, env = process.env } = options;
    const [shell, iopub, stdin, control, hb] = (await freePorts(5)) as [number, number, number, number, number];
    const key = randomBytes(32).toString('hex');
    const connectionDir = mkdtempSync(join(tmpdir(), 'il2kit-kernel-'));
    const connectionFile = join(connectionDir, 'kernel.json');
    const connection = {
      transport: 'tcp',
      ip: '127.0.0.1',
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      key,
      signature_scheme: 'hmac-sha256',
    };
    writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 });
    const [cmd, ...args] = spec.argv.map((a) => a.replaceAll('{connection_file}', connectionFile)) as [string, ...string[]];
    const child = spawn(cmd, args, { cwd, env: { ...env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const kernel = new Kernel(child, key, { shell, iopub, control, hb }, connectionDir);
    try {
      await kernel.handshake(Date.now() + startTimeoutMs);
      await kernel.heartbeat();
    } catch (e) {
      await kernel.shutdown();
      throw e;
    }
    return kernel;
  }

  /** The kernel's own console output (its logs, not cell output), for diagnostics. */
  get kernelLog(): string {
    return this.log;
  }

  private async pump(socket: Dealer | Subscriber, kind: 'reply' | 'iopub'): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: JupyterMessage;
        try {
          msg = decode(this.key, frames);
        } catch {
          continue; // unsigned or malformed: not from our kernel
        }
        const l = this.listeners.get(msg.parent_header.msg_id ?? '');
        if (kind === 'iopub') l?.iopub?.(msg);
        else l?.reply?.(msg);
      }
    } catch {
      /* socket closed */
    }
  }

  private async send(channel: Channel, msg: JupyterMessage<object>): Promise<void> {
    await (channel === 'shell' ? this.shell : this.control).send(encode(this.key, msg));
  }

  private exitText(): string {
    return `kernel exited (code ${this.exit?.code ?? '?'}${this.exit?.signal ? `, signal ${this.exit.signal}` : ''})${this.log ? `:\n${this.log.trim()}` : ''}`;
  }

  /** kernel_info_request until both the shell reply and an iopub status for it arrive (iopub is a late joiner). */
  private async handshake(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`Jupyter kernel did not start: ${this.exitText()}`);
      const msg = newMessage('kernel_info_request', {}, this.session);
      let reply: JupyterMessage | undefined;
      let iopub = false;
      const answered = new Promise<void>((resolve) => {
        this.listeners.set(msg.header.msg_id, {
          reply: (m) => ((reply = m), iopub && resolve()),
          iopub: () => ((iopub = true), reply && resolve()),
          died: resolve,
        });
      });
      await this.send('shell', msg);
      await Promise.race([answered, wait(250)]);
      this.listeners.delete(msg.header.msg_id);
      if (reply && iopub) {
        this.info = reply.content;
        return;
      }
    }
    throw new Error(`Jupyter kernel did not answer kernel_info within the start timeout${this.log ? `:\n${this.log.trim()}` : ''}`);
  }

  /** One heartbeat round trip: the kernel echoes what it is sent. */
  async heartbeat(timeoutMs = 2_000): Promise<void> {
    const hb = new Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      hb.connect(`tcp://127.0.0.1:${this.ports.hb}`);
      const ping = randomUUID();
      await hb.send(ping);
      const [echo] = await hb.receive();
      if (echo?.toString() !== ping) throw new Error('Jupyter kernel heartbeat answered with something else');
    } catch (e) {
      throw new Error(`Jupyter kernel heartbeat failed (${(e as Error).message})`);
    } finally {
      hb.close();
    }
  }

  /**
   * Executes `code`; resolves when the execute reply and the iopub idle status have both arrived, or on timeout.
   * Success is the reply's status (tslab reports runtime errors as stderr text, platform-notes F5).
   */
  async execute(code: string, options: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
    const { timeoutMs = 120_000 } = options;
    const started = Date.now();
    const collector = new OutputCollector();
    if (this.exit) return { status: 'died', outputs: [], executionCount: null, ms: 0 };
    const msg = newMessage(
      'execute_request',
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      this.session,
    );
    return new Promise<ExecuteResult>((resolve) => {
      let reply: JupyterMessage | undefined;
      let idle = false;
      const finish = (status: ExecuteStatus) => {
        clearTimeout(timer);
        this.listeners.delete(msg.header.msg_id);
        const count = reply?.content.execution_count;
        resolve({ status, outputs: collector.outputs, executionCount: typeof count === 'number' ? count : null, ms: Date.now() - started });
      };
      const settle = () => {
        if (!reply || !idle) return;
        const s = reply.content.status;
        finish(s === 'ok' || s === 'abort' ? s : 'error');
      };
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      this.listeners.set(msg.header.msg_id, {
        reply: (m) => ((reply = m), settle()),
        iopub: (m) => {
          if (m.header.msg_type === 'status') {
            if (m.content.execution_state === 'idle') (idle = true), settle();
          } else collector.add(m);
        },
        died: () => finish('died'),
      });
      this.send('shell', msg).catch(() => finish('died'));
    });
  }

  /** Asks the kernel to shut down on the control channel; kills it when it does not exit within `graceMs`. */
  async shutdown(graceMs = 2_000): Promise<void> {
    if (!this.exit) {
      const msg = newMessage('shutdown_request', { restart: false }, this.session);
      const replied = new Promise<void>((resolve) => this.listeners.set(msg.header.msg_id, { reply: () => resolve(), died: resolve }));
      await Promise.race([this.send('control', msg).then(() => Promise.race([replied, wait(graceMs)])), wait(graceMs)]).catch(() => undefined);
      this.listeners.delete(msg.header.msg_id);
      await Promise.race([this.exited, wait(graceMs)]);
      if (!this.exit) {
        this.child.kill('SIGTERM');
        await Promise.race([this.exited, wait(graceMs)]);
      }
      if (!this.exit) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    process.removeListener('exit', this.killOnExit);
    for (const s of [this.shell, this.control, this.iopub]) if (!s.closed) s.close();
    rmSync(this.connectionDir, { recursive: true, force: true });
  }
}
