;; Dot products of one int16 query with many int8 vectors, 16 dimensions per step (WebAssembly SIMD).
;; Source of dot-kernel-wasm.ts (regenerate: node scripts/build-dot-kernel.mjs). Memory layout is
;; the caller's: `codes` holds `count` vectors of `dims` int8 values (dims a multiple of 16),
;; `query` `dims` int16 values, `out` receives `count` int32 sums. `hamming` counts the differing
;; bits of one sign-bit query with many sign-bit vectors of `blocks` × 16 bytes each (at most 31
;; blocks, so a byte lane cannot overflow), `out` receiving `count` int32 distances. `dots_at` is
;; `dots` for the `count` vectors whose indexes (int32) are at `rows`, in that order.
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
        (br $vectors))))
  (func (export "hamming") (param $bits i32) (param $count i32) (param $blocks i32) (param $query i32) (param $out i32)
    (local $i i32) (local $j i32) (local $base i32) (local $acc v128) (local $wide v128)
    (local.set $base (local.get $bits))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $blocks_done
          (loop $blocks_loop
            (br_if $blocks_done (i32.ge_u (local.get $j) (local.get $blocks)))
            (local.set $acc
              (i8x16.add (local.get $acc)
                (i8x16.popcnt
                  (v128.xor
                    (v128.load (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 4))))
                    (v128.load (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 4))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $blocks_loop)))
        (local.set $wide (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
        (i32.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $wide)) (i32x4.extract_lane 1 (local.get $wide)))
            (i32.add (i32x4.extract_lane 2 (local.get $wide)) (i32x4.extract_lane 3 (local.get $wide)))))
        (local.set $base (i32.add (local.get $base) (i32.shl (local.get $blocks) (i32.const 4))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $vectors))))
  (func (export "dots_at") (param $codes i32) (param $rows i32) (param $count i32) (param $dims i32) (param $query i32) (param $out i32)
    (local $i i32) (local $j i32) (local $base i32) (local $acc v128) (local $c v128) (local $q i32)
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $base
          (i32.add (local.get $codes)
            (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $dims))))
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
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $vectors)))))
