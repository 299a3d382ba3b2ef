import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerCommand, WorkerReply } from './bus-worker.js';

const WORKER = fileURLToPath(new URL('./bus-worker.ts', import.meta.url));

/** A bus worker process and a typed request/reply channel to it. */
export class WorkerHandle {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: WorkerReply) => void>();
  #next = 0;

  constructor() {
    this.#child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (reply: WorkerReply) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
  }

  /** Sends `command`; resolves with the worker's reply (value and timestamp), rejects with its error. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the reply's type is the caller's claim about the command.
  request<T = unknown>(command: WorkerCommand): Promise<{ readonly value: T; readonly at: number }> {
    const id = (this.#next += 1);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (reply) => {
        if (reply.ok) resolve({ value: reply.value as T, at: reply.at });
        else reject(new Error(`worker: ${reply.error ?? 'failed'}`));
      });
      this.#child.send({ id, command });
    });
  }

  async call<T = unknown>(command: WorkerCommand): Promise<T> {
    return (await this.request<T>(command)).value;
  }

  /** Asks the worker to close tenantry (and its bus) and exit; kills it if it does not. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await Promise.race([this.call({ cmd: 'close' }).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
