from verify_bench.cli import main

main()
