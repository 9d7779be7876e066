// What the end-to-end scripts share: named checks that print "ok <name>" or "FAIL <name>: why",
// a time bound for the whole run, an inbox of received messages to wait on, and the last line.

let failures = 0;

/** Ends the run as failed when it takes longer than `seconds`. */
export function bound(seconds) {
  setTimeout(() => { console.log(`FAIL timeout: the run took over ${seconds} s`); process.exit(1); },
    seconds * 1000).unref();
}

export function check(name, condition, detail) {
  if (condition) {
    console.log(`ok ${name}`);
  } else {
    failures++;
    console.log(`FAIL ${name}: ${detail ?? ''}`);
  }
}

/** Counts an exception that ended the run early. */
export function crashed(e) {
  failures++;
  console.log(`FAIL run: ${e.stack ?? e}`);
}

/** Prints the verdict the Java tests look for and exits with it. */
export function finish() {
  console.log(failures === 0 ? 'ALL PASSED' : `${failures} FAILED`);
  process.exit(failures === 0 ? 0 : 1);
}

/** Messages as they arrive; next() waits for one, up to `ms`, and answers null after that. */
export function inbox() {
  const items = [];
  let waiter = null;
  return {
    push(m) { items.push(m); if (waiter) { const w = waiter; waiter = null; w(); } },
    async next(ms = 5000) {
      const end = Date.now() + ms;
      while (items.length === 0) {
        const left = end - Date.now();
        if (left <= 0) return null;
        await new Promise((r) => { waiter = r; setTimeout(r, left); });
      }
      return items.shift();
    },
    size() { return items.length; },
  };
}
