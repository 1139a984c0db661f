"""The GIL is released while C scans: threads scale with cores."""
import os
import random
import threading
import time

import pytest

import piiscan

WORDS = ("고객 정보 주문 번호 배송 메모 확인 처리 완료 담당자 연락처 the quick brown fox "
         "order id 2024-01-15 amount 35,000원 qty 12 ref A-1029").split()


def make_buffer(size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lines, n = [], 0
    while n < size:
        line = " ".join(rng.choice(WORDS) for _ in range(12))
        if rng.random() < 0.01:
            line += " 주민번호 900101-1234568 카드 4111-1111-1111-1111"
        lines.append(line)
        n += len(line.encode()) + 1
    return "\n".join(lines).encode()


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def throughput(engine, buffers, threads: int, scans_per_thread: int):
    """Bytes per second of `threads` threads each scanning `scans_per_thread`
    buffers, and the cores the process got meanwhile (CPU time / wall time)."""
    barrier = threading.Barrier(threads + 1)

    def work(i):
        barrier.wait()
        for k in range(scans_per_thread):
            engine.scan(buffers[(i + k) % len(buffers)])

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    barrier.wait()
    start, cpu = time.perf_counter(), time.process_time()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - start
    cores = (time.process_time() - cpu) / elapsed
    return threads * scans_per_thread * len(buffers[0]) / elapsed, cores


def test_gil_is_released_during_a_scan():
    """While one thread scans, another runs Python code (no need for 2 cores)."""
    engine = piiscan.Engine()
    buf = make_buffer(16 << 20, 1)
    done = threading.Event()
    ticks = 0

    def scanner():
        engine.scan(buf)
        done.set()

    t = threading.Thread(target=scanner)
    t.start()
    time.sleep(0.01)
    while not done.is_set():
        ticks += 1
    t.join()
    # With the GIL held for the whole scan this loop would barely run (only at
    # the switch points before and after the C call).
    assert ticks > 1000, ticks


@pytest.mark.skipif(cpus() < 2, reason="needs 2 cores")
def test_four_threads_scale_on_two_cores():
    engine = piiscan.Engine()
    buffers = [make_buffer(4 << 20, seed) for seed in range(4)]
    engine.scan(buffers[0])                      # warm up (scratch pool, page faults)
    load = os.getloadavg()[0]
    best1 = best4 = 0.0
    cores1, cores4 = [], []
    for _ in range(5):                           # best of up to 5 rounds, 3 at least
        t1, c1 = throughput(engine, buffers, 1, 8)
        t4, c4 = throughput(engine, buffers, 4, 2)
        best1, best4 = max(best1, t1), max(best4, t4)
        cores1.append(c1)
        cores4.append(c4)
        if len(cores1) >= 3 and best4 >= 1.6 * best1:
            break
    ratio = best4 / best1
    print(f"\nthread scaling: 1 thread {best1 / 1e6:.0f} MB/s, 4 threads {best4 / 1e6:.0f} MB/s, "
          f"{ratio:.2f}x on {cpus()} cores (load {load:.1f}; CPU used: 1 thread "
          f"{max(cores1):.2f} cores, 4 threads {max(cores4):.2f})")
    # Other processes can take the second core (a shared developer machine).
    # That is told apart from a binding that serialises its threads: a single
    # thread gets less than a whole core, or the four threads got less than
    # 1.6 cores while the load average says others were running.  (Holding
    # the GIL is caught by the test above whatever the load.)
    busy = max(cores1) < 0.9 or (max(cores4) < 1.6 and load > cpus())
    if ratio < 1.6 and busy:
        pytest.skip(f"machine busy (load {load:.1f} on {cpus()} cores; 1 thread got "
                    f"{max(cores1):.2f} cores, 4 threads {max(cores4):.2f}): 4 threads "
                    f"{ratio:.2f}x, not measurable")
    assert ratio >= 1.6, f"4 threads only {ratio:.2f}x the throughput of 1"
