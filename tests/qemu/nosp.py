#!/usr/bin/python3
"""The image without the rump_sp server (configs/nosp_defconfig, sp/Kconfig):
it links no file of sp/ (none of its compile units is in the ELF's debug
information), it boots, runs kernel cases, and starting the server answers
EOPNOTSUPP. The boots are tests/qemu/run.py's. One line per case, then
'N passed, N failed'.

usage: tests/qemu/nosp.py --image build/nosp/rumpimg.elf [--counts FILE]
"""
import argparse
import subprocess
import sys
import tempfile

import run


def compile_units(image):
    """The source file of every compile unit linked into image."""
    out = subprocess.run(["readelf", "--debug-dump=info", image],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True).stdout.decode("utf-8", "replace")
    names, in_cu = [], False
    for line in out.splitlines():
        if "DW_TAG_" in line:
            in_cu = "DW_TAG_compile_unit" in line
        elif in_cu and "DW_AT_name" in line:
            names.append(line.rsplit(": ", 1)[-1].strip())
            in_cu = False
    return names


def links_no_sp(image):
    units = compile_units(image)
    problems = []
    if not any(u.startswith("kernel/") for u in units):
        problems.append("no kernel/ compile unit found: cannot judge")
    problems += ["links %s" % u for u in units if u.startswith("sp/")]
    if "hypercall/sp_none.c" not in units:
        problems.append("hypercall/sp_none.c not linked")
    return problems


CASES = [
    run.Case("nosp_kernel_cases_pass",
             "test=kernel_boot_and_lwproc,kernel_files_on_tmpfs,"
             "kernel_unmapped_pointers_efault,kernel_syscalls_suite",
             must=(r"test kernel_boot_and_lwproc: PASS",
                   r"test kernel_files_on_tmpfs: PASS",
                   r"test kernel_unmapped_pointers_efault: PASS",
                   r"test kernel_syscalls_suite: PASS"),
             must_not=(r": FAIL",)),
    # The server appliance's case (no network device: loopback only):
    # rump_init_server() refuses with EOPNOTSUPP, so the case fails.
    run.Case("nosp_server_start_is_eopnotsupp", "test=sp_server",
             status=run.FAIL,
             must=(r"spserver: cannot serve tcp://0:\d+: error 45",)),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--counts", help="append 'nosp PASSED FAILED 0' here")
    args = ap.parse_args()
    passed = failed = 0
    results = [("nosp_links_no_sp_code", 0.0, links_no_sp(args.image), [])]
    with tempfile.TemporaryDirectory() as tmpdir:
        for case in CASES:
            status, lines, dt, host_problems = run.run_case(case, args.image, tmpdir)
            results.append((case.name, dt,
                            run.judge(case, status, lines, host_problems), lines))
    for name, dt, problems, lines in results:
        print("%s %-46s %6.2f s" % ("PASS" if not problems else "FAIL", name, dt))
        if problems:
            failed += 1
            for p in problems:
                print("    - " + p)
            for _, l in lines[-40:]:
                print("    | " + l)
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    if args.counts:
        with open(args.counts, "a") as f:
            f.write("nosp %d %d 0\n" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
