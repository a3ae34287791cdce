/* An interpreter workload: a small stack-machine bytecode interpreter (switch dispatch, operand
 * stack and locals in memory, as in Lua or CPython) running a program that computes
 * sum over i < N of (i * i) % 7 + fib-like mixing. Usage: interp N. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { PUSH, LOAD, STORE, ADD, MUL, MOD, LT, JZ, JMP, DUP, POP, XOR, SHR, HALT };

typedef struct { uint8_t op; int32_t arg; } insn;

static int64_t run(const insn *code, int64_t *locals) {
    int64_t stack[64];
    int sp = 0;
    for (int pc = 0;;) {
        const insn *in = &code[pc++];
        switch (in->op) {
        case PUSH: stack[sp++] = in->arg; break;
        case LOAD: stack[sp++] = locals[in->arg]; break;
        case STORE: locals[in->arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> stack[sp]); break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case JZ: if (stack[--sp] == 0) pc = in->arg; break;
        case JMP: pc = in->arg; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case POP: sp--; break;
        case HALT: return locals[1];
        }
    }
}

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? atol(argv[1]) : 3000000;
    /* locals: 0 i, 1 acc, 2 n, 3 h */
    const insn prog[] = {
        /* 0 */ {LOAD, 0}, {LOAD, 2}, {LT, 0}, {JZ, 28},
        /* 4: acc += (i * i) % 7 */ {LOAD, 0}, {DUP, 0}, {MUL, 0}, {PUSH, 7}, {MOD, 0}, {LOAD, 1}, {ADD, 0}, {STORE, 1},
        /* 12: h = (h ^ i) * 31 ^ (h >> 7) */ {LOAD, 3}, {LOAD, 0}, {XOR, 0}, {PUSH, 31}, {MUL, 0},
        /* 17 */ {LOAD, 3}, {PUSH, 7}, {SHR, 0}, {XOR, 0}, {STORE, 3},
        /* 22: i += 1 */ {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0}, {JMP, 0}, {HALT, 0},
        /* 28 */ {HALT, 0},
    };
    int64_t locals[4] = {0, 0, n, 1};
    int64_t acc = run(prog, locals);
    printf("interp %lld: %lld %lld\n", (long long)n, (long long)acc, (long long)locals[3]);
    return 0;
}
