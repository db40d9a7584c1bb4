// FlowEngine's per-context driver: runs a chunk of rows through every step in one call, so the
// host pays for one guest call per chunk rather than per row. Rows are host proxies: a script
// reads and writes only the fields it touches, and a row returned as it came (the common case)
// never has to be copied. For each row the driver records a status character: '0' dropped,
// '1' the row itself came out, '2' something else came out (a new object or an array; the host
// reads it from st.res). A row that throws leaves st.i and st.step pointing at it; the host
// records the error, sets st.resume and calls run again to go on with the next row.
// st.start and st.stop bound the steps run (compiled steps run in Java around them): a row that
// is still itself at st.stop comes back as '1' for the steps after; anything else (a new
// object, an array) goes on through every later step here, so it never leaves JavaScript.
(function () {
  'use strict';

  const toText = String;

  function describe(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    return 'a ' + typeof v;
  }

  // clock: the host's nanosecond clock, for sampled step timing; out of the scripts' reach
  return function bind(steps, names, clock) {
    const n = steps.length;

    // r is what step s returned for one row: go on with the steps after it
    function after(s, r, ctx, st) {
      if (r === null || r === undefined) return null;
      if (Array.isArray(r)) {
        const all = [];
        for (let j = 0; j < r.length; j++) {
          const x = r[j];
          if (x === null || x === undefined) continue;
          if (typeof x !== 'object' || Array.isArray(x)) {
            st.step = s;
            throw new TypeError("step '" + names[s] + "' returned an array holding " + describe(x)
                + ' at index ' + j + '; an array may only hold rows (objects)');
          }
          const y = apply(s + 1, x, ctx, st);
          if (y === null) continue;
          if (Array.isArray(y)) {
            for (let k = 0; k < y.length; k++) all.push(y[k]);
          } else {
            all.push(y);
          }
        }
        return all;
      }
      if (typeof r !== 'object') {
        st.step = s;
        throw new TypeError("step '" + names[s] + "' returned " + describe(r)
            + '; return the row, a new object, an array of objects, or null to drop the row');
      }
      return apply(s + 1, r, ctx, st);
    }

    function apply(s, r, ctx, st) {
      if (s === n) return r;
      st.step = s;
      return after(s, steps[s](r, ctx), ctx, st);
    }

    return {
      // After the steps' top-level code has run, every built-in object is frozen, so that no row
      // can change what later rows see (Object.prototype.x = ..., JSON.parse = ..., an iterator
      // prototype's next). builtinKeys: the global object's own keys before any step code ran.
      // The walk starts from those and from the intrinsics only reachable through an instance
      // (iterator, generator and async prototypes), and follows prototypes, property values and
      // accessors. The global object itself stays extensible (a step's top-level var is a
      // property of it), but its built-in properties become read-only.
      lockdown(builtinKeys) {
        const seen = new Set();
        const queue = [];
        const visit = (v) => {
          if ((typeof v === 'object' && v !== null) || typeof v === 'function') {
            if (!seen.has(v)) {
              seen.add(v);
              queue.push(v);
            }
          }
        };
        const keys = [];
        for (let i = 0; i < builtinKeys.length; i++) keys.push(builtinKeys[i]);
        for (const key of keys) {
          const d = Object.getOwnPropertyDescriptor(globalThis, key);
          if (!d) continue;
          if (d.value !== globalThis) visit(d.value);
          visit(d.get);
          visit(d.set);
        }
        function* gen() {}
        async function* agen() {}
        for (const v of [''[Symbol.iterator](), [][Symbol.iterator](), new Map().entries(), new Set().values(),
          /a/g[Symbol.matchAll]('a'), gen, gen(), agen, agen(), async function () {}, function () {}]) {
          visit(v);
        }
        try {
          visit(new Intl.Segmenter().segment('a')[Symbol.iterator]());
        } catch (e) {
          // no Intl.Segmenter here
        }
        seen.add(globalThis);
        const descriptorsOf = Object.getOwnPropertyDescriptors;
        for (let i = 0; i < queue.length; i++) {
          const o = queue[i];
          visit(Object.getPrototypeOf(o));
          // one call for all of an object's descriptors (symbol-keyed ones too) is cheaper than one per key
          const ds = descriptorsOf(o);
          for (const k of Reflect.ownKeys(ds)) {
            const d = ds[k];
            visit(d.value);
            visit(d.get);
            visit(d.set);
          }
        }
        for (const o of queue) Object.freeze(o);
        for (const key of keys) {
          const d = Object.getOwnPropertyDescriptor(globalThis, key);
          if (d && d.configurable) {
            Object.defineProperty(globalThis, key, 'value' in d ? { writable: false, configurable: false }
              : { configurable: false });
          }
        }
        return queue.length;
      },
      stringify(v) {
        return JSON.stringify(v);
      },
      // a number, boolean, bigint, symbol or function stored into a row: as String(v) prints it
      string(v) {
        return toText(v);
      },
      // ctx reads the current row's numbers on demand, so scripts that never look pay nothing
      context(st, vars) {
        return Object.freeze({
          get rowNumber() { return +st.nums[st.i]; },
          get line() { return +st.lines[st.i]; },
          get file() { return st.file; },
          vars: Object.freeze(vars)
        });
      },
      run(st, rows, numbers, lineNumbers, count) {
        const ctx = st.ctx;
        const res = st.res;
        const status = st.status;
        if (st.i === 0 && !st.resume) {
          st.nums = numbers.split(',');
          st.lines = lineNumbers.split(',');
        }
        if (st.resume) {
          st.resume = false;
          status.push('e');
          st.i++;
        }
        const timed = st.timed;
        const nanos = st.nanos;
        const calls = st.calls;
        const start = st.start;
        const stop = st.stop;
        for (; st.i < count; st.i++) {
          const row = rows[st.i];
          let r = row;
          let s = start;
          // the common case inline: each step returns an object or null
          if (timed) {
            // sampled: the time of each step's call on the common path (rows that an array
            // return fans out are not timed)
            let t0 = clock();
            for (; s < stop; s++) {
              st.step = s;
              r = steps[s](r, ctx);
              const t1 = clock();
              nanos[s] += t1 - t0;
              calls[s]++;
              t0 = t1;
              if (r === null || r === undefined || typeof r !== 'object' || Array.isArray(r)) break;
            }
          } else {
            for (; s < stop; s++) {
              st.step = s;
              r = steps[s](r, ctx);
              if (r === null || r === undefined || typeof r !== 'object' || Array.isArray(r)) break;
            }
          }
          if (s < stop) {
            r = after(s, r, ctx, st);
          } else if (r !== row && stop < n) {
            r = apply(stop, r, ctx, st);
          }
          if (r === null) {
            status.push('0');
          } else if (r === row) {
            status.push('1');
          } else {
            res[st.i] = r;
            status.push('2');
          }
        }
        return status.join('');
      }
    };
  };
})()
