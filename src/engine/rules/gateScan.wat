;; The whole-tree check's first test of a C file, on the file's bytes before any string is made of them
;; (gateScan.ts; values.ts: GATE_C is the same test as a regular expression, and the two are tested to
;; agree). A file is read into this module's memory at $INPUT (1024); 32 zero bytes follow it, so that
;; the searches below may look past its end without a bound of their own (a zero byte is none of the
;; bytes they look for).
;;
;; `values` answers whether the text has one of:
;;   - a hex literal of at least 2^32: `0x`, zeros, a digit 1-9 or a-f, then 8 more of [0-9a-fA-F_'];
;;   - a decimal literal of at least 10 digits, the first not 0, not after a word character or `.`;
;;   - a `#define` (blanks allowed after the `#`) of a name that is not a register's by naming
;;     convention (a prefix mm, ix, reg, cfg or smn before a capital or a digit; a suffix _MASK,
;;     _SHIFT, _SMASK or _MSK) and that contains START, END, BASE, BEGIN, ADDR, LIMIT, TOP, OFFSET,
;;     PHYS, TASK_SIZE, KERNEL or MAP.
;; `words` answers whether the text has an assertion's word; `literals` lists the lines with a literal.
;; `control` counts the control bytes of a file's head (for the binary-file test), -1 at a zero byte.
;; The searches look at 16 bytes at a time.
;; Assembled by scripts/build.mjs (wabt) into gateScanWasm.ts.
(module
  (memory (export "memory") 17)
  (global (export "input") i32 (i32.const 1024))

  ;; The words compared below, each ended by a zero byte.
  (data (i32.const 0) "START\00END\00BASE\00BEGIN\00ADDR\00LIMIT\00TOP\00OFFSET\00PHYS\00TASK_SIZE\00KERNEL\00MAP\00_MASK\00_SHIFT\00_SMASK\00_MSK\00mm\00ix\00reg\00cfg\00smn\00define\00BUILD_BUG_ON\00static_assert\00")

  ;; A class of each byte at 256: 1 a word character [A-Za-z0-9_], 2 a hex digit, 4 one of [0-9a-fA-F_'].
  (data (i32.const 256) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\04\00\00\00\00\00\00\00\00\07\07\07\07\07\07\07\07\07\07\00\00\00\00\00\00\00\07\07\07\07\07\07\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\00\00\00\00\05\00\07\07\07\07\07\07\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")

  ;; Whether the bytes at $i begin with the word at $w.
  (func $at (param $i i32) (param $w i32) (result i32)
    (local $c i32)
    (loop $l
      (local.set $c (i32.load8_u (local.get $w)))
      (if (i32.eqz (local.get $c)) (then (return (i32.const 1))))
      (if (i32.ne (i32.load8_u (local.get $i)) (local.get $c)) (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $w (i32.add (local.get $w) (i32.const 1)))
      (br $l))
    (i32.const 0))

  ;; [A-Za-z0-9_]
  (func $word (param $c i32) (result i32)
    (i32.and (i32.load8_u offset=256 (local.get $c)) (i32.const 1)))

  ;; Whether one of the address words begins at $i.
  (func $keyword (param $i i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $i)))
    (if (i32.eq (local.get $c) (i32.const 83)) (then (return (call $at (local.get $i) (i32.const 0)))))    ;; S: START
    (if (i32.eq (local.get $c) (i32.const 69)) (then (return (call $at (local.get $i) (i32.const 6)))))    ;; E: END
    (if (i32.eq (local.get $c) (i32.const 66)) (then                                                       ;; B: BASE, BEGIN
      (return (i32.or (call $at (local.get $i) (i32.const 10)) (call $at (local.get $i) (i32.const 15))))))
    (if (i32.eq (local.get $c) (i32.const 65)) (then (return (call $at (local.get $i) (i32.const 21)))))   ;; A: ADDR (VADDR too)
    (if (i32.eq (local.get $c) (i32.const 76)) (then (return (call $at (local.get $i) (i32.const 26)))))   ;; L: LIMIT
    (if (i32.eq (local.get $c) (i32.const 84)) (then                                                       ;; T: TOP, TASK_SIZE
      (return (i32.or (call $at (local.get $i) (i32.const 32)) (call $at (local.get $i) (i32.const 48))))))
    (if (i32.eq (local.get $c) (i32.const 79)) (then (return (call $at (local.get $i) (i32.const 36)))))   ;; O: OFFSET
    (if (i32.eq (local.get $c) (i32.const 80)) (then (return (call $at (local.get $i) (i32.const 43)))))   ;; P: PHYS
    (if (i32.eq (local.get $c) (i32.const 75)) (then (return (call $at (local.get $i) (i32.const 58)))))   ;; K: KERNEL
    (if (i32.eq (local.get $c) (i32.const 77)) (then (return (call $at (local.get $i) (i32.const 65)))))   ;; M: MAP
    (i32.const 0))

  ;; Whether the `#` at $p starts a definition of an address name.
  (func $define (param $p i32) (result i32)
    (local $k i32) (local $q i32) (local $e i32) (local $c i32) (local $w i32) (local $m i32) (local $v v128)
    (local.set $k (i32.add (local.get $p) (i32.const 1)))
    (loop $b
      (local.set $c (i32.load8_u (local.get $k)))
      (if (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
        (then (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $b))))
    ;; `define` ("defi" and "ne", little-endian), then at least one blank
    (if (i32.ne (i32.load (local.get $k)) (i32.const 0x69666564)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load16_u offset=4 (local.get $k)) (i32.const 0x656e)) (then (return (i32.const 0))))
    (local.set $k (i32.add (local.get $k) (i32.const 6)))
    (local.set $c (i32.load8_u (local.get $k)))
    (if (i32.eqz (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))))
      (then (return (i32.const 0))))
    (loop $b
      (local.set $c (i32.load8_u (local.get $k)))
      (if (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
        (then (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $b))))
    (local.set $q (local.get $k))
    ;; a register's prefix mm, ix (then the name's third byte) or reg, cfg, smn (its fourth), before a
    ;; capital or a digit
    (local.set $w (i32.load (local.get $q)))
    (local.set $c (i32.const 0))
    (if (i32.or (i32.eq (i32.and (local.get $w) (i32.const 0xffff)) (i32.const 0x6d6d)) (i32.eq (i32.and (local.get $w) (i32.const 0xffff)) (i32.const 0x7869)))
      (then (local.set $c (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 0xff)))))
    (local.set $m (i32.and (local.get $w) (i32.const 0xffffff)))
    (if (i32.or (i32.or (i32.eq (local.get $m) (i32.const 0x676572)) (i32.eq (local.get $m) (i32.const 0x676663))) (i32.eq (local.get $m) (i32.const 0x6e6d73)))
      (then (local.set $c (i32.shr_u (local.get $w) (i32.const 24)))))
    (if (i32.or (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26)) (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
      (then (return (i32.const 0))))
    ;; the name: the word characters from here, 16 bytes at a time
    (local.set $e (local.get $q))
    (loop $w
      (local.set $v (v128.load (local.get $e)))
      (local.set $m (i32.xor (i32.const 0xffff) (i8x16.bitmask (v128.or (v128.or
        (i8x16.lt_u (i8x16.sub (local.get $v) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))
        (i8x16.lt_u (i8x16.sub (v128.or (local.get $v) (i8x16.splat (i32.const 32))) (i8x16.splat (i32.const 97))) (i8x16.splat (i32.const 26))))
        (i8x16.eq (local.get $v) (i8x16.splat (i32.const 95)))))))
      (if (i32.eqz (local.get $m)) (then (local.set $e (i32.add (local.get $e) (i32.const 16))) (br $w))))
    (local.set $e (i32.add (local.get $e) (i32.ctz (local.get $m))))
    (if (i32.eq (local.get $e) (local.get $q)) (then (return (i32.const 0))))
    ;; a register field's suffix, ending the name: _MSK, _MASK, _SHIFT, _SMASK
    (if (i32.ge_u (i32.sub (local.get $e) (local.get $q)) (i32.const 4))
      (then (if (i32.eq (i32.load (i32.sub (local.get $e) (i32.const 4))) (i32.const 0x4b534d5f)) (then (return (i32.const 0))))))
    (if (i32.ge_u (i32.sub (local.get $e) (local.get $q)) (i32.const 5))
      (then (if (i32.eq (i32.load (i32.sub (local.get $e) (i32.const 4))) (i32.const 0x4b53414d))
        (then (if (i32.eq (i32.load8_u (i32.sub (local.get $e) (i32.const 5))) (i32.const 95)) (then (return (i32.const 0)))))))) 
    (if (i32.ge_u (i32.sub (local.get $e) (local.get $q)) (i32.const 6))
      (then
        (local.set $w (i32.load (i32.sub (local.get $e) (i32.const 6))))
        (local.set $m (i32.load16_u (i32.sub (local.get $e) (i32.const 2))))
        (if (i32.or
              (i32.and (i32.eq (local.get $w) (i32.const 0x4948535f)) (i32.eq (local.get $m) (i32.const 0x5446)))
              (i32.and (i32.eq (local.get $w) (i32.const 0x414d535f)) (i32.eq (local.get $m) (i32.const 0x4b53))))
          (then (return (i32.const 0))))))
    ;; an address word anywhere in the name
    (local.set $k (local.get $q))
    (loop $n
      (if (i32.lt_u (local.get $k) (local.get $e))
        (then
          (if (call $keyword (local.get $k)) (then (return (i32.const 1))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $n))))
    (i32.const 0))

  ;; Whether a hex literal of at least 2^32 follows the `0x` before $k: zeros, a digit 1-9 or a-f, then
  ;; 8 more of [0-9a-fA-F_'].
  (func $hexAfter (param $k i32) (result i32)
    (local $end i32)
    (loop $z
      (if (i32.eq (i32.load8_u (local.get $k)) (i32.const 48))
        (then (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $z))))
    (if (i32.eqz (i32.and (i32.load8_u offset=256 (i32.load8_u (local.get $k))) (i32.const 2))) (then (return (i32.const 0))))
    (local.set $end (i32.add (local.get $k) (i32.const 9)))
    (local.set $k (i32.add (local.get $k) (i32.const 1)))
    (loop $d
      (if (i32.lt_u (local.get $k) (local.get $end))
        (then
          (if (i32.eqz (i32.and (i32.load8_u offset=256 (i32.load8_u (local.get $k))) (i32.const 4)))
            (then (return (i32.const 0))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $d))))
    (i32.const 1))

  ;; The digits of the 16 bytes at $i, a bit each.
  (func $digitMask (param $i i32) (result i32)
    (i8x16.bitmask (i8x16.lt_u (i8x16.sub (v128.load (local.get $i)) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))))

  ;; Whether the run of 10 digits or more at $p (its first not 0) is a decimal literal: not after a
  ;; word character or `.`.
  (func $decimalAt (param $p i32) (param $in i32) (result i32)
    (local $c i32)
    (local.set $c (i32.const 32))
    (if (i32.gt_u (local.get $p) (local.get $in)) (then (local.set $c (i32.load8_u (i32.sub (local.get $p) (i32.const 1))))))
    (i32.eqz (i32.or (call $word (local.get $c)) (i32.eq (local.get $c) (i32.const 46)))))

  ;; The block scans of `values` and `literals` below repeat their run and `0x` masks rather than call a
  ;; function for them: V8 does not inline WebAssembly calls, and a call per block made `values` 40 %
  ;; slower.
  ;; 16 bytes at a time, the places worth a closer look, a bit each: a `#`, a `0x` and the start of a run
  ;; of 10 digits or more (from the digits of this block and the next, and whether the byte before the
  ;; block is one). Each place is then looked at byte by byte.
  (func (export "values") (param $in i32) (param $len i32) (result i32)
    (local $end i32) (local $i i32) (local $m i32) (local $p i32) (local $c i32) (local $v v128)
    (local $d i32) (local $next i32) (local $before i32) (local $r i32) (local $r2 i32)
    (local.set $end (i32.add (local.get $in) (local.get $len)))
    (local.set $i (local.get $in))
    (local.set $d (call $digitMask (local.get $in)))
    (block $exit
      (loop $wide
        (br_if $exit (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $next (call $digitMask (i32.add (local.get $i) (i32.const 16))))
        ;; bit k of $r: bytes k to k+9 are digits
        (local.set $r (i32.or (local.get $d) (i32.shl (local.get $next) (i32.const 16))))
        (local.set $r2 (i32.and (local.get $r) (i32.shr_u (local.get $r) (i32.const 1))))
        (local.set $r (i32.and (local.get $r2) (i32.shr_u (local.get $r2) (i32.const 2))))
        (local.set $r (i32.and (local.get $r) (i32.shr_u (local.get $r) (i32.const 4))))
        (local.set $r (i32.and (local.get $r) (i32.shr_u (local.get $r2) (i32.const 8))))
        (local.set $m (i32.or
          ;; a run's first digit: the byte before it is none
          (i32.and (i32.and (local.get $r) (i32.const 0xffff))
            (i32.xor (i32.or (i32.shl (local.get $d) (i32.const 1)) (local.get $before)) (i32.const -1)))
          (i8x16.bitmask (v128.or
            (i8x16.eq (local.get $v) (i8x16.splat (i32.const 35)))
            (v128.and
              (i8x16.eq (local.get $v) (i8x16.splat (i32.const 48)))
              (i8x16.eq (v128.or (v128.load (i32.add (local.get $i) (i32.const 1))) (i8x16.splat (i32.const 32))) (i8x16.splat (i32.const 120))))))))
        (loop $each
          (if (local.get $m)
            (then
              (local.set $p (i32.add (local.get $i) (i32.ctz (local.get $m))))
              (local.set $c (i32.load8_u (local.get $p)))
              (if (i32.eq (local.get $c) (i32.const 35))
                (then (if (call $define (local.get $p)) (then (return (i32.const 1)))))
                (else (if (i32.eq (local.get $c) (i32.const 48))
                  ;; `0x` (a run of digits that starts with 0 is no decimal literal)
                  (then (if (i32.and
                              (i32.eq (i32.or (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 32)) (i32.const 120))
                              (call $hexAfter (i32.add (local.get $p) (i32.const 2))))
                    (then (return (i32.const 1)))))
                  (else (if (call $decimalAt (local.get $p) (local.get $in)) (then (return (i32.const 1))))))))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (br $each))))
        (local.set $before (i32.and (i32.shr_u (local.get $d) (i32.const 15)) (i32.const 1)))
        (local.set $d (local.get $next))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $wide)))
    (i32.const 0))

  ;; \s of a regular expression, on latin1 text: 9 to 13, 32 and 160.
  (func $space (param $c i32) (result i32)
    (i32.or (i32.or (i32.lt_u (i32.sub (local.get $c) (i32.const 9)) (i32.const 5)) (i32.eq (local.get $c) (i32.const 32))) (i32.eq (local.get $c) (i32.const 160))))

  ;; Whether the `0x` at $p follows a pointer cast: `*`, blanks, `)`, blanks (no further back than $in).
  (func $castBefore (param $p i32) (param $in i32) (result i32)
    (local $k i32)
    (local.set $k (i32.sub (local.get $p) (i32.const 1)))
    (loop $b
      (if (i32.ge_u (local.get $k) (local.get $in)) (then (if (call $space (i32.load8_u (local.get $k)))
        (then (local.set $k (i32.sub (local.get $k) (i32.const 1))) (br $b))))))
    (if (i32.lt_u (local.get $k) (local.get $in)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (local.get $k)) (i32.const 41)) (then (return (i32.const 0))))
    (local.set $k (i32.sub (local.get $k) (i32.const 1)))
    (loop $b
      (if (i32.ge_u (local.get $k) (local.get $in)) (then (if (call $space (i32.load8_u (local.get $k)))
        (then (local.set $k (i32.sub (local.get $k) (i32.const 1))) (br $b))))))
    (if (i32.lt_u (local.get $k) (local.get $in)) (then (return (i32.const 0))))
    (i32.eq (i32.load8_u (local.get $k)) (i32.const 42)))

  ;; The literals a rule can read (lines.ts: C_LITERAL_G, the literal lines of a whole-tree analysis):
  ;; the literals of `values` and a `0x` after a pointer cast. Writes the offset (from $in) of the first
  ;; one of each line that has one, in order, as i32s at $out; returns how many, or -1 when there are
  ;; more than $max.
  (func (export "literals") (param $in i32) (param $len i32) (param $out i32) (param $max i32) (result i32)
    (local $end i32) (local $i i32) (local $m i32) (local $p i32) (local $v v128)
    (local $d i32) (local $next i32) (local $before i32) (local $r i32) (local $r2 i32) (local $n i32)
    (local.set $end (i32.add (local.get $in) (local.get $len)))
    (local.set $i (local.get $in))
    (local.set $d (call $digitMask (local.get $in)))
    (block $exit
      (loop $wide
        (br_if $exit (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $next (call $digitMask (i32.add (local.get $i) (i32.const 16))))
        (local.set $r (i32.or (local.get $d) (i32.shl (local.get $next) (i32.const 16))))
        (local.set $r2 (i32.and (local.get $r) (i32.shr_u (local.get $r) (i32.const 1))))
        (local.set $r (i32.and (local.get $r2) (i32.shr_u (local.get $r2) (i32.const 2))))
        (local.set $r (i32.and (local.get $r) (i32.shr_u (local.get $r) (i32.const 4))))
        (local.set $r (i32.and (local.get $r) (i32.shr_u (local.get $r2) (i32.const 8))))
        (local.set $m (i32.or
          (i32.and (i32.and (local.get $r) (i32.const 0xffff))
            (i32.xor (i32.or (i32.shl (local.get $d) (i32.const 1)) (local.get $before)) (i32.const -1)))
          (i8x16.bitmask (v128.and
            (i8x16.eq (local.get $v) (i8x16.splat (i32.const 48)))
            (i8x16.eq (v128.or (v128.load (i32.add (local.get $i) (i32.const 1))) (i8x16.splat (i32.const 32))) (i8x16.splat (i32.const 120)))))))
        (block $hit
          (loop $each
            (if (local.get $m)
              (then
                (local.set $p (i32.add (local.get $i) (i32.ctz (local.get $m))))
                (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 48))
                  (then
                    (if (i32.eq (i32.or (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 32)) (i32.const 120))
                      (then
                        (br_if $hit (call $hexAfter (i32.add (local.get $p) (i32.const 2))))
                        (br_if $hit (call $castBefore (local.get $p) (local.get $in))))))
                  (else (br_if $hit (call $decimalAt (local.get $p) (local.get $in)))))
                (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
                (br $each))))
          (local.set $before (i32.and (i32.shr_u (local.get $d) (i32.const 15)) (i32.const 1)))
          (local.set $d (local.get $next))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $wide))
        ;; a literal at $p: noted, and the search goes on at the next line
        (if (i32.ge_u (local.get $n) (local.get $max)) (then (return (i32.const -1))))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (i32.sub (local.get $p) (local.get $in)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $i (local.get $p))
        (loop $line
          (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $i)) (i8x16.splat (i32.const 10)))))
          (if (i32.eqz (local.get $m))
            (then
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br_if $exit (i32.ge_u (local.get $i) (local.get $end)))
              (br $line))))
        (local.set $i (i32.add (i32.add (local.get $i) (i32.ctz (local.get $m))) (i32.const 1)))
        (local.set $before (i32.const 0))
        (local.set $d (call $digitMask (local.get $i)))
        (br $wide)))
    (local.get $n))

  ;; Whether the text has BUILD_BUG_ON or static_assert (the assertions' words, assertions.ts:
  ;; ASSERTION_WORD), anywhere. The bytes at 0, 1 and 5 of the first and at 0, 6 and 7 of the second
  ;; pick the places to compare, 16 at a time.
  (func (export "words") (param $in i32) (param $len i32) (result i32)
    (local $end i32) (local $i i32) (local $m i32) (local $p i32) (local $v v128)
    (local.set $end (i32.add (local.get $in) (local.get $len)))
    (local.set $i (local.get $in))
    (block $exit
      (loop $wide
        (br_if $exit (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $m (i8x16.bitmask (v128.or
          (v128.and (v128.and
            (i8x16.eq (local.get $v) (i8x16.splat (i32.const 66)))
            (i8x16.eq (v128.load (i32.add (local.get $i) (i32.const 1))) (i8x16.splat (i32.const 85))))
            (i8x16.eq (v128.load (i32.add (local.get $i) (i32.const 5))) (i8x16.splat (i32.const 95))))
          (v128.and (v128.and
            (i8x16.eq (local.get $v) (i8x16.splat (i32.const 115)))
            (i8x16.eq (v128.load (i32.add (local.get $i) (i32.const 6))) (i8x16.splat (i32.const 95))))
            (i8x16.eq (v128.load (i32.add (local.get $i) (i32.const 7))) (i8x16.splat (i32.const 97)))))))
        (loop $each
          (if (local.get $m)
            (then
              (local.set $p (i32.add (local.get $i) (i32.ctz (local.get $m))))
              (if (i32.or (call $at (local.get $p) (i32.const 119)) (call $at (local.get $p) (i32.const 132)))
                (then (return (i32.const 1))))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (br $each))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $wide)))
    (i32.const 0))

  (func (export "control") (param $in i32) (param $len i32) (result i32)
    (local $end i32) (local $i i32) (local $n i32) (local $c i32) (local $v v128)
    (local.set $end (i32.add (local.get $in) (local.get $len)))
    (local.set $i (local.get $in))
    (block $done
      (loop $wide
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load (local.get $i)))
        (if (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0)))) (then (return (i32.const -1))))
        (local.set $n (i32.add (local.get $n) (i32.popcnt (i8x16.bitmask (v128.andnot
          (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 32)))
          (v128.or
            (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 9))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 10))))
            (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 12))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 13))))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $wide)))
    (loop $narrow
      (if (i32.lt_u (local.get $i) (local.get $end))
        (then
          (local.set $c (i32.load8_u (local.get $i)))
          (if (i32.eqz (local.get $c)) (then (return (i32.const -1))))
          (if (i32.and (i32.lt_u (local.get $c) (i32.const 32))
                (i32.eqz (i32.or (i32.or (i32.eq (local.get $c) (i32.const 9)) (i32.eq (local.get $c) (i32.const 10)))
                                 (i32.or (i32.eq (local.get $c) (i32.const 12)) (i32.eq (local.get $c) (i32.const 13))))))
            (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $narrow))))
    (local.get $n))
)
