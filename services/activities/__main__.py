from services.activities.bootstrap import main

main()
