// The `EventEmitter` that `scripts/build.ts` puts into the bundle in place of `node:events`.
//
// commander's `Command` class extends `EventEmitter`, so `node:events` is loaded as the bundle
// loads, and with it Deno's Node compatibility layer: ~6 ms of every command's start-up for an
// object that commander uses to pass option values to itself (`on`, `emit`, `listenerCount`).
// This class has the behaviour of those methods and of the other common ones (listeners are
// called in order with the emitter as `this`, a listener added or removed during an emit does
// not change that emit, `once` listeners run once, an unhandled "error" event throws).
// `test/build_test.ts` runs the same sequences on this class and on `node:events`, and the bundle
// tests run the whole CLI on it. Plain JavaScript, because the build inserts it as text.
class EventEmitter {
  #listeners = new Map();

  on(event, listener) {
    if (typeof listener !== "function") {
      throw new TypeError('The "listener" argument must be of type function');
    }
    const list = this.#listeners.get(event);
    if (list === undefined) this.#listeners.set(event, [listener]);
    else list.push(listener);
    return this;
  }

  addListener(event, listener) {
    return this.on(event, listener);
  }

  once(event, listener) {
    const wrapper = (...args) => {
      this.removeListener(event, wrapper);
      return listener.apply(this, args);
    };
    wrapper.listener = listener;
    return this.on(event, wrapper);
  }

  removeListener(event, listener) {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        list.splice(i, 1);
        break;
      }
    }
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  off(event, listener) {
    return this.removeListener(event, listener);
  }

  removeAllListeners(event) {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  emit(event, ...args) {
    const list = this.#listeners.get(event);
    if (list === undefined) {
      if (event === "error") {
        const error = args[0];
        throw error instanceof Error ? error : new Error(`Unhandled error. (${String(error)})`);
      }
      return false;
    }
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }

  listenerCount(event) {
    return this.#listeners.get(event)?.length ?? 0;
  }

  listeners(event) {
    return (this.#listeners.get(event) ?? []).map((l) => l.listener ?? l);
  }

  eventNames() {
    return [...this.#listeners.keys()];
  }
}
export { EventEmitter };
