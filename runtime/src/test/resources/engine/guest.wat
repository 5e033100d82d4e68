;; General-purpose engine test guest: a bump allocator, arithmetic, host calls and failure modes.
(module
  (import "interstice" "interstice_log" (func $log (param i32 i32)))
  (import "interstice" "interstice_host_call" (func $host_call (param i32 i32) (result i64)))
  (import "interstice" "interstice_time" (func $time (result i64)))
  (import "interstice" "interstice_random" (func $random (result i64)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $counter (mut i32) (i32.const 0))

  (data (i32.const 256) "hello from the guest")

  ;; Bump allocator: grows memory when needed, returns 0 when it cannot.
  (func $alloc (export "alloc") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32) (local $have i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.lt_s
              (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (local.get $have)) (i32.const 16)) (i32.const 1)))
              (i32.const 0))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (local.get $ptr))

  (func (export "dealloc") (param i32 i32))

  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  (func (export "add64") (param i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 1)))

  (func (export "half") (param f64) (result f64)
    (f64.div (local.get 0) (f64.const 2)))

  (func (export "inc") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  (func (export "say_hello")
    (call $log (i32.const 256) (i32.const 20)))

  ;; Logs len bytes at ptr (the host reads them back).
  (func (export "log") (param i32 i32)
    (call $log (local.get 0) (local.get 1)))

  (func (export "call_host") (param i32 i32) (result i64)
    (call $host_call (local.get 0) (local.get 1)))

  (func (export "time_plus_random") (result i64)
    (i64.add (call $time) (call $random)))

  ;; Sum of len bytes at ptr.
  (func (export "sum") (param $ptr i32) (param $len i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Upper-cases ASCII letters in place.
  (func (export "upper") (param $ptr i32) (param $len i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $c (i32.load8_u (local.get $ptr)))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (i32.store8 (local.get $ptr) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next))))

  ;; Does some work, then traps.
  (func (export "boom") (result i32)
    (drop (call $alloc (i32.const 16)))
    (call $log (i32.const 256) (i32.const 5))
    unreachable)

  (func (export "load_oob") (result i32)
    (i32.load (i32.const -16)))

  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))

  ;; Counts down from n: a loop of controllable length.
  (func (export "busy") (param $n i64) (result i64)
    (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $n) (i64.const 31))))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (local.get $acc))

  (func (export "spin")
    (loop $forever (br $forever)))

  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))

  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))

  ;; Grows memory or traps if the grow is refused.
  (func (export "grow_or_trap") (param i32) (result i32)
    (if (i32.lt_s (memory.grow (local.get 0)) (i32.const 0))
      (then unreachable))
    (memory.size))
)
