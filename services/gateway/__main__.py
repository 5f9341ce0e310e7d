from services.gateway.bootstrap import main

main()
