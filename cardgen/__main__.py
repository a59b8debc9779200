"""The `cardgen` program (`python -m cardgen …` and the console script): the command-line interface
in a process of its own, which sets when the cycle collector runs (`collector`) before anything else
is imported."""


def run() -> None:
    """Console-script entry point."""
    from cardgen import collector

    collector.command_started()
    from cardgen.cli import run as run_cli

    run_cli()


if __name__ == "__main__":
    run()
