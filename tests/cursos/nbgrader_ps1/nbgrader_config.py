c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "example_course"
c.IncludeHeaderFooter.header = "source/header.ipynb"
