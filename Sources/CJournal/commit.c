// Atomics and a futex on the shared commit file (see cjournal.h and Commit.swift).
#define _GNU_SOURCE
#include "cjournal.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

uint64_t rounds_load64(const volatile uint64_t *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }

uint64_t rounds_raise64(volatile uint64_t *word, uint64_t value) {
    uint64_t seen = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    while (seen < value && !__atomic_compare_exchange_n(word, &seen, value, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {}
    return seen < value ? value : seen;
}

void rounds_store64(volatile uint64_t *word, uint64_t value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }
uint32_t rounds_load32(const volatile uint32_t *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }
void rounds_store32(volatile uint32_t *word, uint32_t value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }

int rounds_cas32(volatile uint32_t *word, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

uint32_t rounds_add32(volatile uint32_t *word, uint32_t delta) { return __atomic_add_fetch(word, delta, __ATOMIC_ACQ_REL); }

int rounds_futex_wait(volatile uint32_t *word, uint32_t expected, long timeout_ns) {
    struct timespec t = { timeout_ns / 1000000000L, timeout_ns % 1000000000L };
    return syscall(SYS_futex, word, FUTEX_WAIT, expected, &t, NULL, 0) != 0 && errno == ETIMEDOUT;
}

void rounds_futex_wake_all(volatile uint32_t *word) { syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0); }
void rounds_futex_wake(volatile uint32_t *word, int count) { syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0); }

static struct flock writer_mark(short type) {
    struct flock l;
    memset(&l, 0, sizeof l);
    l.l_type = type; l.l_whence = SEEK_SET; l.l_start = 1; l.l_len = 1;
    return l;
}

int rounds_hold_writer_mark(int fd) {
    struct flock l = writer_mark(F_RDLCK);
    return fcntl(fd, F_OFD_SETLK, &l) == 0 ? 0 : -1;
}

int rounds_writer_mark_held(int fd) {
    struct flock l = writer_mark(F_WRLCK);
    if (fcntl(fd, F_OFD_GETLK, &l) != 0) return -1;
    return l.l_type == F_UNLCK ? 0 : 1;
}
