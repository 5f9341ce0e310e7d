"""`python -m services.vacancies`: serve the vacancy service until SIGTERM/SIGINT."""

from services.vacancies.bootstrap import main

main()
