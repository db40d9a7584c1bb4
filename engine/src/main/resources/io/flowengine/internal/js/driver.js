// FlowEngine's per-context driver: runs a chunk of rows through every step in one call, so the
// host pays for one guest call per chunk rather than per row. Output is a flat array: for each
// input row, the number of rows it produced, then for each of those its key count and
// key/value pairs. A row that throws leaves st.i and st.step pointing at it; the host records
// the error, sets st.resume and calls run again to go on with the next row.
(function () {
  'use strict';

  function describe(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    return 'a ' + typeof v;
  }

  function text(v) {
    if (typeof v === 'string') return v;
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function emit(out, r) {
    const keys = Object.keys(r);
    out.push(keys.length);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      out.push(key);
      out.push(text(r[key]));
    }
  }

  return function bind(steps, names) {
    const n = steps.length;

    function apply(s, row, ctx, st, out) {
      if (s === n) {
        emit(out, row);
        return 1;
      }
      st.step = s;
      const r = steps[s](row, ctx);
      if (r === null || r === undefined) return 0;
      if (Array.isArray(r)) {
        let c = 0;
        for (let j = 0; j < r.length; j++) {
          const x = r[j];
          if (x === null || x === undefined) continue;
          if (typeof x !== 'object' || Array.isArray(x)) {
            st.step = s;
            throw new TypeError("step '" + names[s] + "' returned an array holding " + describe(x)
                + ' at index ' + j + '; an array may only hold rows (objects)');
          }
          c += apply(s + 1, x, ctx, st, out);
        }
        return c;
      }
      if (typeof r !== 'object') {
        throw new TypeError("step '" + names[s] + "' returned " + describe(r)
            + '; return the row, a new object, an array of objects, or null to drop the row');
      }
      return apply(s + 1, r, ctx, st, out);
    }

    return {
      header(names) {
        const a = new Array(names.length);
        for (let i = 0; i < names.length; i++) a[i] = names[i];
        return a;
      },
      run(st, header, vals, nums, lines, count) {
        const out = st.out;
        const ctx = st.ctx;
        const ncols = header.length;
        if (st.resume) {
          out.length = st.mark;
          st.resume = false;
          st.i++;
        }
        for (; st.i < count; st.i++) {
          const i = st.i;
          const row = {};
          const base = i * ncols;
          for (let c = 0; c < ncols; c++) row[header[c]] = vals[base + c];
          ctx.rowNumber = nums[i];
          ctx.line = lines[i];
          st.mark = out.length;
          out.push(0);
          out[st.mark] = apply(0, row, ctx, st, out);
        }
      }
    };
  };
})()
