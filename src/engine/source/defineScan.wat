;; The `#define` site scanner of the compact workspace index (compactIndex.ts: scanCDefines does the
;; same in JavaScript, and the two are tested to agree). A file's bytes are read into this module's
;; memory at `in`; `scan` writes one (FNV-1a hash of the name, offset of the line) pair per definition
;; at `out` and returns how many. A definition: a `#` first on its line (blanks before it) on a line
;; that does not continue the previous one (backslash), blanks, `define`, at least one blank, a name
;; ([A-Za-z_][A-Za-z0-9_]*). The search for `#` looks at 16 bytes at a time; the byte tests are
;; written out in the loops (a call per byte costs more than the test).
;; Assembled by scripts/build.mjs (wabt) into defineScanWasm.ts.
(module
  (memory (export "memory") 1)

  ;; The next `#` at or after $i and before $end, or $end.
  (func $hash (param $i i32) (param $end i32) (result i32)
    (local $m i32)
    (block $done
      (loop $wide
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
        (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $i)) (i8x16.splat (i32.const 35)))))
        (if (local.get $m) (then (return (i32.add (local.get $i) (i32.ctz (local.get $m))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $wide)))
    (block $none
      (loop $narrow
        (br_if $none (i32.ge_u (local.get $i) (local.get $end)))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 35)) (then (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $narrow)))
    (local.get $end))

  (func (export "scan") (param $in i32) (param $len i32) (param $out i32) (result i32)
    (local $end i32) (local $p i32) (local $j i32) (local $ls i32) (local $k i32) (local $c i32) (local $h i32) (local $n i32)
    (local.set $end (i32.add (local.get $in) (local.get $len)))
    (local.set $p (local.get $in))
    (block $exit
      (loop $next
        (local.set $p (call $hash (local.get $p) (local.get $end)))
        (br_if $exit (i32.ge_u (local.get $p) (local.get $end)))
        (block $skip
          ;; blanks back to the start of the line
          (local.set $j (local.get $p))
          (block $b (loop $l
            (br_if $b (i32.le_u (local.get $j) (local.get $in)))
            (local.set $c (i32.load8_u (i32.sub (local.get $j) (i32.const 1))))
            (br_if $b (i32.eqz (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $l)))
          (if (i32.gt_u (local.get $j) (local.get $in))
            (then (br_if $skip (i32.ne (i32.load8_u (i32.sub (local.get $j) (i32.const 1))) (i32.const 10)))))
          (local.set $ls (local.get $j))
          ;; a continued line: the previous line ends with a backslash (\n or \r\n)
          (if (i32.ge_u (i32.sub (local.get $ls) (local.get $in)) (i32.const 2))
            (then
              (br_if $skip (i32.eq (i32.load8_u (i32.sub (local.get $ls) (i32.const 2))) (i32.const 92)))
              (if (i32.ge_u (i32.sub (local.get $ls) (local.get $in)) (i32.const 3))
                (then
                  (br_if $skip (i32.and
                    (i32.eq (i32.load8_u (i32.sub (local.get $ls) (i32.const 2))) (i32.const 13))
                    (i32.eq (i32.load8_u (i32.sub (local.get $ls) (i32.const 3))) (i32.const 92))))))))
          ;; blanks, `define`, a blank
          (local.set $k (i32.add (local.get $p) (i32.const 1)))
          (block $b2 (loop $l2
            (br_if $b2 (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $k)))
            (br_if $b2 (i32.eqz (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $l2)))
          (br_if $skip (i32.gt_u (i32.add (local.get $k) (i32.const 7)) (local.get $end)))
          (br_if $skip (i32.ne (i32.load (local.get $k)) (i32.const 0x69666564)))            ;; "defi"
          (br_if $skip (i32.ne (i32.load16_u (i32.add (local.get $k) (i32.const 4))) (i32.const 0x656e))) ;; "ne"
          (local.set $k (i32.add (local.get $k) (i32.const 6)))
          (local.set $c (i32.load8_u (local.get $k)))
          (br_if $skip (i32.eqz (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))))
          (block $b3 (loop $l3
            (br_if $b3 (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $k)))
            (br_if $b3 (i32.eqz (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $l3)))
          (br_if $skip (i32.ge_u (local.get $k) (local.get $end)))
          ;; the name: a letter or `_` first
          (local.set $c (i32.load8_u (local.get $k)))
          (br_if $skip (i32.eqz (i32.or
            (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 26))
            (i32.eq (local.get $c) (i32.const 95)))))
          (local.set $h (i32.const 0x811c9dc5))
          (block $b4 (loop $l4
            (br_if $b4 (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $k)))
            (br_if $b4 (i32.eqz (i32.or
              (i32.or
                (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
                (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 26)))
              (i32.eq (local.get $c) (i32.const 95)))))
            (local.set $h (i32.mul (i32.xor (local.get $h) (local.get $c)) (i32.const 16777619)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $l4)))
          (i32.store (local.get $out) (local.get $h))
          (i32.store (i32.add (local.get $out) (i32.const 4)) (i32.sub (local.get $ls) (local.get $in)))
          (local.set $out (i32.add (local.get $out) (i32.const 8)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (local.set $p (local.get $k))
          (br $next))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $n))
)
