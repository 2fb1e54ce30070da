from pactline.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="pactline")
