;; Dot products of one int16 query with many int8 vectors, 16 dimensions per step (WebAssembly SIMD).
;; Source of dot-kernel-wasm.ts (regenerate: node scripts/build-dot-kernel.mjs). Memory layout is
;; the caller's: `codes` holds `count` vectors of `dims` int8 values (dims a multiple of 16),
;; `query` `dims` int16 values, `out` receives `count` int32 sums.
(module
  (memory (export "memory") 1)
  (func (export "dots") (param $codes i32) (param $count i32) (param $dims i32) (param $query i32) (param $out i32)
    (local $i i32) (local $j i32) (local $base i32) (local $acc v128) (local $c v128) (local $q i32)
    (local.set $base (local.get $codes))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $dims_done
          (loop $dims_loop
            (br_if $dims_done (i32.ge_u (local.get $j) (local.get $dims)))
            (local.set $c (v128.load (i32.add (local.get $base) (local.get $j))))
            (local.set $q (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1))))
            (local.set $acc
              (i32x4.add (local.get $acc)
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $c)) (v128.load (local.get $q)))))
            (local.set $acc
              (i32x4.add (local.get $acc)
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $c)) (v128.load offset=16 (local.get $q)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $dims_loop)))
        (i32.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $base (i32.add (local.get $base) (local.get $dims)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $vectors)))))
