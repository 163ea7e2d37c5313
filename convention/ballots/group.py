"""The ElectionGuard standard group (specification 1.0, « Baseline parameters »): a 4096-bit
prime p, the 256-bit prime q = 2²⁵⁶ − 189 dividing p − 1, the cofactor r = (p − 1)/q and the
generator g = 2^r mod p of the subgroup of order q. Arithmetic mod p and mod q, the hash into
Z_q, and exponentiation with precomputed tables for the bases used again and again (g and an
election's public key)."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

try:  # Optional: GMP's exponentiation, some ten times faster; never required.
    import gmpy2

    def _powmod(base: int, exponent: int, modulus: int) -> int:
        return int(gmpy2.powmod(base, exponent, modulus))

    def _number(value: int):
        return gmpy2.mpz(value)

except ImportError:  # pragma: no cover - depends on the machine
    gmpy2 = None

    def _powmod(base: int, exponent: int, modulus: int) -> int:
        return pow(base, exponent, modulus)

    def _number(value: int):
        return value


def _hex(text: str) -> int:
    return int("".join(text.split()), 16)


Q = 2**256 - 189
P = _hex(
    """
    FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF
    93C467E3 7DB0C7A4 D1BE3F81 0152CB56 A1CECC3A F65CC019 0C03DF34 709AFFBD
    8E4B59FA 03A9F0EE D0649CCB 621057D1 1056AE91 32135A08 E43B4673 D74BAFEA
    58DEB878 CC86D733 DBE7BF38 154B36CF 8A96D156 7899AAAE 0C09D4C8 B6B7B86F
    D2A1EA1D E62FF864 3EC7C271 82797722 5E6AC2F0 BD61C746 961542A3 CE3BEA5D
    B54FE70E 63E6D09F 8FC28658 E80567A4 7CFDE60E E741E5D8 5A7BD469 31CED822
    03655949 64B83989 6FCAABCC C9B31959 C083F22A D3EE591C 32FAB2C7 448F2A05
    7DB2DB49 EE52E018 2741E538 65F004CC 8E704B7C 5C40BF30 4C4D8C4F 13EDF604
    7C555302 D2238D8C E11DF242 4F1B66C2 C5D238D0 744DB679 AF289048 7031F9C0
    AEA1C4BB 6FE9554E E528FDF1 B05E5B25 6223B2F0 9215F371 9F9C7CCC 69DDF172
    D0D62342 17FCC003 7F18B93E F5389130 B7A661E5 C26E5421 4068BBCA FEA32A67
    818BD307 5AD1F5C7 E9CC3D17 37FB2817 1BAF84DB B6612B78 81C1A48E 439CD03A
    92BF5222 5A2B38E6 542E9F72 2BCE15A3 81B5753E A8427633 81CCAE83 512B3051
    1B32E5E8 D8036214 9AD030AA BA5F3A57 98BB22AA 7EC1B6D0 F17903F4 E234EA60
    34AA8597 3F79A93F FB82A75C 47C03D43 D2F9CA02 D03199BA CEDDD453 34DBC6B5
    FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF
    """
)
R = (P - 1) // Q
G = pow(2, R, P)


def random_q() -> int:
    """A secret uniformly drawn in [1, q − 1] (the operating system's random source)."""
    return 1 + secrets.randbelow(Q - 1)


def mul_p(*values: int) -> int:
    result = 1
    for value in values:
        result = result * value % P
    return result


def inverse_p(value: int) -> int:
    return pow(value, -1, P)


def pow_p(base: int, exponent: int) -> int:
    return _powmod(base, exponent % Q, P)


def pows(base: int, exponents: tuple[int, ...]) -> list[int]:
    """base^e mod p for several exponents at once (each reduced mod q, except q itself for
    the group test), sharing the squarings (Yao's method): the powers base^(16^i) are made
    once, then each exponent costs some 90 multiplications instead of some 320. For the
    checker, which raises each value of a ballot to two challenges and to q."""
    if gmpy2 is not None:
        return [_powmod(base, e, P) for e in exponents]
    reduced = [e if e == Q else e % Q for e in exponents]
    digits = (max(e.bit_length() for e in reduced) + 3) // 4
    powers = [base % P]
    for _ in range(digits - 1):
        x = powers[-1]
        for _ in range(4):
            x = x * x % P
        powers.append(x)
    results = []
    for exponent in reduced:
        buckets = [1] * 16
        index = 0
        while exponent:
            digit = exponent & 15
            if digit:
                buckets[digit] = buckets[digit] * powers[index] % P
            exponent >>= 4
            index += 1
        running, total = 1, 1
        for digit in range(15, 0, -1):
            running = running * buckets[digit] % P
            total = total * running % P
        results.append(total)
    return results


def multi_pow(pairs: list[tuple[int, int]]) -> int:
    """Π base^exponent mod p for many pairs at once (Pippenger's bucket method): the squarings
    are shared by every base, and each base costs one multiplication per eight bits of its
    exponent. Exponents are taken as given (not reduced mod q)."""
    if not pairs:
        return 1
    modulus = _number(P)
    width, mask = 8, 255
    windows = (max(e.bit_length() for _, e in pairs) + width - 1) // width
    bases = [_number(b) for b, _ in pairs]
    exponents = [e for _, e in pairs]
    result = _number(1)
    for window in reversed(range(windows)):
        for _ in range(width):
            result = result * result % modulus
        buckets: list = [None] * (mask + 1)
        shift = window * width
        for base, exponent in zip(bases, exponents, strict=True):
            digit = (exponent >> shift) & mask
            if digit:
                found = buckets[digit]
                buckets[digit] = base if found is None else found * base % modulus
        # Π_d bucket_d^d, as the product of the running products from the top digit down.
        running = total = None
        for digit in range(mask, 0, -1):
            if buckets[digit] is not None:
                running = buckets[digit] if running is None else running * buckets[digit] % modulus
            if running is not None:
                total = running if total is None else total * running % modulus
        if total is not None:
            result = result * total % modulus
    return int(result)


def is_residue(value: int) -> bool:
    """Whether `value` (in [1, p − 1]) is a square mod p: Legendre's symbol, GMP's when there,
    otherwise by the binary Jacobi algorithm. Since (p − 1)/2 = q·r′ with r′ a large prime, a
    square has no component of order 2, which the batch check below relies on."""
    if gmpy2 is not None:
        return int(gmpy2.legendre(value, P)) == 1
    a, n, sign = value % P, P, 1
    while a:
        twos = (a & -a).bit_length() - 1
        a >>= twos
        if twos % 2 and n % 8 in (3, 5):
            sign = -sign
        a, n = n, a
        if a % 4 == 3 and n % 4 == 3:
            sign = -sign
        a %= n
    return n == 1 and sign == 1


def is_in_group(value: int) -> bool:
    """A value of the subgroup of order q (what every ciphertext and key must be)."""
    return 1 <= value < P and _powmod(value, Q, P) == 1


def hash_to_q(*items: int | str) -> int:
    """The hash of the specification into Z_q: each item written as text (an integer in
    uppercase hexadecimal, a string as itself), joined between bars (« |a|b| »), SHA-256,
    read as a big-endian integer, mod q. The public checker computes it the same way."""
    text = "|" + "|".join(format(i, "X") if isinstance(i, int) else i for i in items) + "|"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big") % Q


class FixedBase:
    """Powers of one base from a precomputed table: the exponent is read eight bits at a
    time, so a power costs 32 multiplications instead of some 380. Worth it for g and an
    election's public key, raised to a power several times for every ballot."""

    WINDOW = 8

    def __init__(self, base: int) -> None:
        self.base = base
        # With gmpy2 the table holds GMP integers: each multiplication is some ten times
        # faster, and 32 of them beat even GMP's own exponentiation.
        modulus = _number(P)
        self.table: list[list] = []
        current = _number(base)
        for _ in range((Q.bit_length() + self.WINDOW - 1) // self.WINDOW):
            row = [_number(1), current]
            for _ in range(2, 1 << self.WINDOW):
                row.append(row[-1] * current % modulus)
            self.table.append(row)
            current = row[-1] * current % modulus  # base^(2^(8(i+1)))

    def pow(self, exponent: int) -> int:
        exponent %= Q
        modulus = _number(P)
        result, index = _number(1), 0
        mask = (1 << self.WINDOW) - 1
        while exponent:
            digit = exponent & mask
            if digit:
                result = result * self.table[index][digit] % modulus
            exponent >>= self.WINDOW
            index += 1
        return int(result)


@lru_cache(maxsize=8)
def _table(base: int) -> FixedBase:
    return FixedBase(base)


#: How many powers of one base are computed the plain way before its table is built: the
#: table costs some 8,000 multiplications, worth it only for a base raised many times (g
#: and the key of an election taking votes), not for a tool's few powers or a test's key.
TABLE_AFTER = 24
_uses: dict[int, int] = {}


class _Plain:
    def __init__(self, base: int) -> None:
        self.base = base

    def pow(self, exponent: int) -> int:
        return _powmod(self.base, exponent % Q, P)


def fixed(base: int) -> FixedBase | _Plain:
    """Powers of `base`: from its table (built once per process, about 4 MB) once the base
    has been raised `TABLE_AFTER` times, the plain way before."""
    count = _uses.get(base, 0)
    if count < TABLE_AFTER:
        if len(_uses) > 64:
            _uses.clear()
        _uses[base] = count + 1
        return _Plain(base)
    return _table(base)


def prepare(base: int) -> None:
    """Build `base`'s table now: before starting processes that will all use it."""
    _uses[base] = TABLE_AFTER
    _table(base)


def g_pow(exponent: int) -> int:
    """g^exponent mod p."""
    return fixed(G).pow(exponent)
