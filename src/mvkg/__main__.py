from mvkg.cli import main

main()
